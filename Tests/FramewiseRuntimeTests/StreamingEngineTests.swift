import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Synchronization
import Testing

/// The streaming engine (stages decoupled by the in-process broker, batches across videos)
/// against the sequential engine, on real decoded video with fake models.
@Suite struct StreamingEngineTests {
    static let videos = ["media/h264.mp4", "media/mpeg4.avi", "media/odd.mp4", "media/h265.mp4", "media/vfr.mp4"]

    static func run(_ pipeline: LoadedPipeline, _ videos: [String], streaming: EngineConfiguration?) async throws -> ([VideoResult], RunReport) {
        let sink = MemorySink()
        let report: RunReport
        if let streaming {
            report = try await StreamingEngine(pipeline: pipeline, configuration: streaming).run(videos: videos, sink: sink)
        } else {
            report = try await PipelineRunner(pipeline: pipeline, configuration: RunConfiguration(concurrentVideos: 1)).run(videos: videos, sink: sink)
        }
        return (await sink.results, report)
    }

    @Test(arguments: [1, 3])
    func sameResultsAsTheSequentialEngine(instances: Int) async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 5)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        var videos = try Self.videos.map { try Fixtures.require(Fixtures.path($0)) }
        videos.insert(Fixtures.path("media/not-there.mp4"), at: 2)
        let (sequential, _) = try await Self.run(pipeline, videos, streaming: nil)
        let config = EngineConfiguration(decoders: 3, workerThreads: 2, instancesPerStage: instances, topicBound: 8, maxQueueDelay: .milliseconds(2))
        let (streaming, report) = try await Self.run(pipeline, videos, streaming: config)
        #expect(streaming.map(\.video) == videos, "input order")
        #expect(report.videosOK == videos.count - 1 && report.videosFailed == 1)
        // Every frame of an ok video has one decode-to-last-stage latency, none negative or beyond the run.
        #expect(report.frameSeconds.count == streaming.filter { $0.status == .ok }.reduce(0) { $0 + $1.frames.count })
        #expect(report.frameSeconds.allSatisfy { $0 >= 0 && $0 <= report.wallSeconds })
        #expect(report.frameLatencyPercentile(99) >= report.frameLatencyPercentile(50))
        for (a, b) in zip(sequential, streaming) {
            #expect(a.status == b.status)
            #expect(a.error == b.error)
            #expect(JSONValue.array(a.frames.map(\.json)) == JSONValue.array(b.frames.map(\.json)), "frames of \(a.video)")
            #expect(a.summary == b.summary)
        }
        // The join saw both branches of the same frame of the same video.
        for r in streaming where r.status == .ok {
            for frame in r.frames {
                let f = Dictionary(uniqueKeysWithValues: frame.outputs.map { ($0.key, $0.value) })
                let left = ForkJoinTests.numbers(f["left"], "features"), right = ForkJoinTests.numbers(f["right"], "features")
                let both = ForkJoinTests.numbers(f["both"], "sum")
                #expect(both.count == ForkJoinTests.k)
                for j in 0..<min(both.count, left.count, right.count) { #expect(abs(both[j] - left[j] - right[j]) < 1e-2) }
            }
        }
    }

    @Test func batchesMixFramesOfDifferentVideos() async throws {
        // A slow model: while one batch runs, frames of the other videos queue up and join the next batch.
        let slow = FakeSession.slow(name: "slow", width: 8, height: 8, seconds: 0.05, value: 0)
        let spec = PipelineSpec(name: "t", sampling: .uniform(2),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8), batchLimit: 8)],
                                stages: [StageSpec(name: "s", model: "m")])
        let pipeline = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": slow]))
        let videos = try Self.videos.map { try Fixtures.require(Fixtures.path($0)) }
        let (results, report) = try await Self.run(pipeline, videos, streaming: EngineConfiguration(decoders: 5, workerThreads: 2))
        #expect(results.allSatisfy { $0.status == .ok && $0.frames.count == 2 })
        #expect(slow.batchSizes.reduce(0, +) == 10)
        #expect(slow.batchSizes.max() ?? 0 > 2, "a batch holds frames of several videos: \(slow.batchSizes)")
        let stage = try #require(report.stages["s"])
        #expect(stage.items == 10 && stage.batches == slow.batchSizes.count)
    }

    @Test func aVideoThatBreaksMidStreamFailsAlone() async throws {
        // truncated_faststart.mp4 decodes some frames, then errors; its frames share batches with the others'.
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(2), batch: 8)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        let videos = try ["media/h264.mp4", "media/truncated_faststart.mp4", "media/mpeg4.avi"].map { try Fixtures.require(Fixtures.path($0)) }
        let (sequential, _) = try await Self.run(pipeline, videos, streaming: nil)
        let (streaming, report) = try await Self.run(pipeline, videos, streaming: EngineConfiguration(decoders: 3, workerThreads: 2, maxQueueDelay: .milliseconds(20)))
        #expect(report.videosFailed == 1 && report.videosOK == 2)
        #expect(streaming[1].status == .failed)
        #expect(streaming[1].error?.contains("truncated_faststart.mp4") == true, "\(streaming[1].error ?? "nil")")
        for i in [0, 2] {
            #expect(streaming[i].status == .ok)
            #expect(JSONValue.array(streaming[i].frames.map(\.json)) == JSONValue.array(sequential[i].frames.map(\.json)))
        }
    }
}
