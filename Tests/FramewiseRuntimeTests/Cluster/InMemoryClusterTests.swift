import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The distributed path (ClusterRun submitting, ClusterWorker decoding and running stages) on the
/// in-memory seams: InProcessBroker, InMemoryJobStore, InMemoryFrameStorage. No Redis needed.
@Suite struct InMemoryClusterTests {
    @Test func aDistributedRunOnInMemorySeamsEqualsTheEngine() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 4)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        var videos = try ["media/h264.mp4", "media/mpeg4.avi", "media/vfr.mp4"].map { try Fixtures.require(Fixtures.path($0)) }
        videos.insert(Fixtures.path("media/not-there.mp4"), at: 1)

        let reference = MemorySink()
        _ = try await StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration(decoders: 2, workerThreads: 2))
            .run(videos: videos, sink: reference)

        let frames = InProcessBroker<FrameMessage>()
        let messages = InProcessBroker<VideoMessage>()
        let store = InMemoryJobStore()
        let storage = InMemoryFrameStorage()
        let worker = try ClusterWorker(pipeline: pipeline, configuration: EngineConfiguration(decoders: 2, workerThreads: 2), stages: nil,
                                       frameBroker: frames, videoBroker: messages, store: store, frames: storage,
                                       options: ClusterOptions(reclaimAfter: .seconds(30)))
        let serving = Task { await worker.run() }
        let sink = MemorySink()
        let report = try await ClusterRun(pipeline: pipeline, frameBroker: frames, videoBroker: messages, store: store, frames: storage)
            .run(videos: videos, sink: sink)
        serving.cancel()
        await serving.value

        let expected = await reference.results
        let got = await sink.results
        #expect(got.map(\.video) == videos, "each video once, in input order")
        #expect(report.videosOK == 3 && report.videosFailed == 1)
        for (a, b) in zip(expected, got) {
            #expect(a.status == b.status, "\(a.video)")
            #expect(JSONValue.array(a.frames.map(\.json)) == JSONValue.array(b.frames.map(\.json)), "frames of \(a.video)")
            #expect(a.summary == b.summary)
        }
        #expect(storage.count == 0, "every frame removed once its video's result was written")
        #expect(try await store.jobs().allSatisfy { $0.finished == $0.videos })
    }

    @Test func theStoreFinishesAVideoOnceWhateverTheRedeliveries() async throws {
        let store = InMemoryJobStore()
        try await store.createJob("j", pipeline: "p", videos: 1, epoch: 1)
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0)) == .publish)
        try await store.markPublished(job: "j", epoch: 1, video: 0, slot: 0, stages: [JobStoreKeys.roots])
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0)) == .alreadyPublished)
        try await store.videoDecoded(job: "j", epoch: 1, video: 0, frames: 1, decodedFrames: 3, decodeSeconds: 0.1)
        let update = StageOutputUpdate(job: "j", epoch: 1, video: 0, slot: 0, outputs: ["s": Data([1])], stageCount: 1, candidates: [:],
                                       stage: "s", time: StageTime(), now: 1)
        for _ in 0..<3 { _ = try await store.record(update) }  // delivered three times
        let (finished, cursor) = try await store.finishedVideos(job: "j", after: nil, wait: .milliseconds(50))
        #expect(finished == [0], "announced once")
        #expect(try await store.finishedVideos(job: "j", after: cursor, wait: .milliseconds(20)).videos.isEmpty)
        try await store.removeVideo(job: "j", video: 0, frames: 1)
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0)) == .videoGone)
        #expect(try await store.isFinished(job: "j", epoch: 1, video: 0))
        // After a restart under epoch 2, writes of epoch 1 are refused.
        try await store.restartJob("j", pipeline: "p", videos: 2, epoch: 2)
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0)) == .videoGone)
        #expect(try await store.frameDecoded(job: "j", epoch: 2, video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0)) == .publish)
        #expect(try await store.check(job: "j").jobEpoch == 2)
    }
}
