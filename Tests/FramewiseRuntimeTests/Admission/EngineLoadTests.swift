import Foundation
import FramewiseCore
@testable import FramewiseRuntime
import FramewiseTesting
import Testing

/// The engine under load, on real decoded fixture videos with fake models: arrivals, admission
/// and bounded queues. Asserts on counts and bounds, never on timings.
@Suite struct EngineLoadTests {
    static let videos = ["media/h264.mp4", "media/mpeg4.avi", "media/odd.mp4", "media/h265.mp4", "media/vfr.mp4"]

    /// Every frame inside the pipeline holds a message in some stage topic or waits in its
    /// decoder to publish one, so the frames inside are bounded by the topics' bounds plus one
    /// per video in flight.
    static func frameBound(_ engine: StreamingEngine) -> Int {
        engine.topicBounds.values.reduce(0, +) + engine.configuration.decoders
    }

    @Test func defaultTopicBoundsFollowBatchSizeAndInstances() throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(2), batch: 5)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        var config = EngineConfiguration(decoders: 2, workerThreads: 2)
        #expect(config.instancesPerStage == 2, "by default every stage may use every worker thread")
        config.instancesPerStage = 1
        config.stages["right"] = .init(instances: 3, batchLimit: 2)
        let engine = StreamingEngine(pipeline: pipeline, configuration: config)
        #expect(engine.topicBounds == ["left": 10, "right": 12, "both": 10])
        #expect(engine.frameBudget == 32)
        config.topicBound = 7
        #expect(StreamingEngine(pipeline: pipeline, configuration: config).topicBounds.values.allSatisfy { $0 == 7 })
    }

    @Test func lightLoadOpenLoopEveryVideoOnceAndQueuesBounded() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(3), batch: 4)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        let videos = try (0..<10).map { try Fixtures.require(Fixtures.path(Self.videos[$0 % Self.videos.count])) }
        let engine = StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration(decoders: 4, workerThreads: 2))
        let arrivals = try ArrivalProcess(rate: 20, kind: .poisson, seed: 3).times(count: videos.count)
        let sink = MemorySink()
        let report = try await engine.run(videos: videos, sink: sink, arrivals: arrivals)
        let results = await sink.results
        #expect(results.map(\.video) == videos, "every video once, in input order")
        #expect(results.allSatisfy { $0.status == .ok && !$0.frames.isEmpty })
        #expect(report.videoSeconds.count == videos.count && report.admittedSeconds.count == videos.count)
        #expect(zip(report.videoSeconds, report.admittedSeconds).allSatisfy { $0 >= $1 && $1 >= 0 }, "arrival <= admission <= result")
        #expect(report.peakFramesInPipeline > 0)
        #expect(report.peakFramesInPipeline <= Self.frameBound(engine), "\(report.peakFramesInPipeline) frames inside")
        // The run lasts at least until the last arrival.
        #expect(report.wallSeconds >= arrivals.last ?? 0)
    }

    @Test func overloadWaitsAtAdmissionNotInsideThePipeline() async throws {
        // A slow model, 15 videos at once, two admitted at a time with tiny queues.
        let slow = FakeSession.slow(name: "slow", width: 8, height: 8, seconds: 0.01, value: 0)
        let spec = PipelineSpec(name: "t", sampling: .uniform(3),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8), batchLimit: 2)],
                                stages: [StageSpec(name: "s", model: "m")])
        let pipeline = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": slow]))
        let videos = try (0..<15).map { try Fixtures.require(Fixtures.path(Self.videos[$0 % Self.videos.count])) }
        let engine = StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration(decoders: 2, workerThreads: 1))
        #expect(engine.configuration.instancesPerStage == 1)
        let sink = MemorySink()
        let report = try await engine.run(videos: videos, sink: sink)
        let results = await sink.results
        #expect(results.map(\.video) == videos)
        #expect(results.allSatisfy { $0.status == .ok && $0.frames.count == 3 })
        #expect(slow.batchSizes.reduce(0, +) == 45)
        #expect(engine.topicBounds == ["s": 4])
        #expect(report.peakFramesInPipeline <= Self.frameBound(engine), "bounded: \(report.peakFramesInPipeline)")
        // Only two were let in at the start: every later video waited at admission, so its latency
        // from arrival exceeds its latency from admission.
        for i in 2..<videos.count {
            #expect(report.videoSeconds[i] > report.admittedSeconds[i], "video \(i) waited at admission")
        }
    }

    @Test func sloAttainmentCountsLateAndDroppedVideos() {
        var report = RunReport()
        report.slo = 1
        func result(dropped: Int, ok: Bool = true) -> VideoResult {
            var stats = VideoStats()
            var t = StageTime()
            t.dropped = dropped
            stats.stages["s"] = t
            return VideoResult(video: "v", status: ok ? .ok : .failed, error: ok ? nil : "bad", frames: [], summary: [], stats: stats)
        }
        report.add(result(dropped: 0), latency: VideoLatency(fromArrival: 0.5, fromAdmission: 0.5))
        report.add(result(dropped: 0), latency: VideoLatency(fromArrival: 1.5, fromAdmission: 0.2))  // late from arrival
        report.add(result(dropped: 2), latency: VideoLatency(fromArrival: 0.4, fromAdmission: 0.4))  // in time by dropping
        report.add(result(dropped: 0, ok: false), latency: VideoLatency(fromArrival: 0.1, fromAdmission: 0.1))
        report.wallSeconds = 2
        #expect(report.videosWithinSLO == 1)
        #expect(report.sloAttainment == 0.25)
        #expect(report.goodput == 0.5)
        #expect(report.droppedFrames == 2)
    }
}

/// A plan's per-frame criterion: frames within the SLO from decoding, dropped ones never within.
@Suite struct FrameAttainmentTests {
    @Test func framesWithinAndDroppedOnesCounted() {
        var report = RunReport()
        #expect(report.frameAttainment(within: 1) == nil)
        report.frameSeconds = [0.1, 0.5, 0.9, 1.5]
        #expect(report.frameAttainment(within: 1) == 0.75)
        report.droppedFrames = 4
        #expect(report.frameAttainment(within: 1) == 3.0 / 8.0)
    }
}
