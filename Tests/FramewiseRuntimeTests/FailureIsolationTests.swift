import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing
import Synchronization

/// A failure is scoped to its video; bad videos get an error naming them.
@Suite struct FailureIsolationTests {
    @Test func aStageErrorFailsOnlyThatVideo() async throws {
        let failing = FakeSession.failing(name: "flaky", width: 8, height: 8) { $0 == 1 }
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
