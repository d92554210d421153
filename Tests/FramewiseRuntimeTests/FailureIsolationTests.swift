import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing
import Synchronization

/// A failure is scoped to its video; bad videos get an error naming them.
@Suite struct FailureIsolationTests {
    @Test func aStageErrorFailsOnlyThatVideo() async throws {
        let calls = Mutex(0)
        let failing = FakeSession(
            name: "flaky",
            inputs: [TensorInfo(name: "x", elementType: .float32, shape: [-1, 3, 8, 8])],
            outputs: [TensorInfo(name: "y", elementType: .float32, shape: [-1, 1])]
        ) { inputs in
            let n = calls.withLock { $0 += 1; return $0 }
            if n == 1 { throw FakeBackendError(path: "scripted failure") }
            let b = inputs["x"]?.shape[0] ?? 0
            return ["y": try Tensor.float32(shape: [b, 1], values: Array(repeating: 1, count: b))]
        }
        let spec = PipelineSpec(name: "t", sampling: .uniform(4),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8))],
                                stages: [StageSpec(name: "s", model: "m")])
        let loaded = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": failing]))
        let videos = try ["media/h264.mp4", "media/h265.mp4"].map { try Fixtures.require(Fixtures.path($0)) }
        let sink = MemorySink()
        let runner = PipelineRunner(pipeline: loaded, configuration: RunConfiguration(concurrentVideos: 1))
        let report = try await runner.run(videos: videos, sink: sink)
        let results = await sink.results
        #expect(report.videosFailed == 1 && report.videosOK == 1)
        #expect(results[0].status == .failed)
        #expect(results[0].error?.contains("stage 's'") == true && results[0].error?.contains("scripted failure") == true)
        #expect(results[1].status == .ok && results[1].frames.count == 4)
    }

    @Test func badFilesFailWithTheirNameAndTheRestCompletes() async throws {
        let spec = PipelineSpec(name: "t", sampling: .fps(2),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 16, height: 16))],
                                stages: [StageSpec(name: "s", model: "m")])
        let loaded = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": .channelMeans(name: "m", width: 16, height: 16, outputs: 3)]))
        let bad = ["empty.mp4", "random.mp4", "truncated_moov_end.mp4", "text.mp4", "audio_only.m4a"]
        var videos = try bad.map { try Fixtures.require(Fixtures.path("media/\($0)")) }
        videos.append(Fixtures.path("media/does-not-exist.mp4"))
        videos.append(try Fixtures.require(Fixtures.path("media/h264.mp4")))
        let sink = MemorySink()
        let report = try await PipelineRunner(pipeline: loaded).run(videos: videos, sink: sink)
        let results = await sink.results
        #expect(results.count == videos.count)
        for r in results.dropLast() {
            #expect(r.status == .failed, "\(r.video) should fail")
            let name = r.video.split(separator: "/").last.map(String.init) ?? r.video
            #expect(r.error?.contains(name) == true, "error names the file: \(r.error ?? "nil")")
        }
        #expect(results.last?.status == .ok)
        #expect(results.last?.frames.count == 8)
        #expect(report.videosOK == 1 && report.videosFailed == videos.count - 1)
    }
}
