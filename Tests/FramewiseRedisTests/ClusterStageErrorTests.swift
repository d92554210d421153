import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
import Foundation
import Synchronization
import Testing

/// A stage that throws on a video in a distributed run: the message is retried on redelivery,
/// then dead-lettered with the stage's own error, and the video fails with it (in one process).
@Suite("Distributed stage errors")
struct ClusterStageErrorTests {
    @Test("a stage error is retried up to max deliveries, then dead-lettered with its error; the video fails")
    func stageErrorIsRetriedThenDeadLettered() async throws {
        let server = try await RedisServerFixture.start()
        let calls = Mutex(0)
        let failing = FakeSession.failing(name: "broken", width: 8, height: 8) { run in
            calls.withLock { $0 = run }
            return true
        }
        let spec = PipelineSpec(name: "t", sampling: .uniform(2),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8))],
                                stages: [StageSpec(name: "s", model: "m")])
        let pipeline = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": failing]))
        let config = RedisStreamsBrokerConfiguration(connection: server.configuration, keyPrefix: "framewise", maxLength: 100, maxDeliveries: 2,
                                                     blockTimeout: .milliseconds(100))
        let frames = RedisStreamsBroker<FramewiseRuntime.FrameMessage>(configuration: config)
        let videos = RedisStreamsBroker<VideoMessage>(configuration: config)
        let store = RedisJobStore(connection: server.configuration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fw-stage-error-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let storage = SharedFolderFrameStorage(root: folder)
        let options = ClusterOptions(reclaimAfter: .milliseconds(300), maxDeliveries: 2)
        let worker = try ClusterWorker(pipeline: pipeline, configuration: EngineConfiguration(decoders: 1, workerThreads: 1), stages: nil,
                                       frameBroker: frames, videoBroker: videos, store: store, frames: storage, options: options)
        let serving = Task { await worker.run() }
        let inputs = try ["media/h264.mp4", "media/h265.mp4"].map { try Fixtures.require(Fixtures.path($0)) }
        let sink = MemorySink()
        let report = try await ClusterRun(pipeline: pipeline, frameBroker: frames, videoBroker: videos, store: store, frames: storage)
            .run(videos: inputs, sink: sink)
        serving.cancel()
        await serving.value

        let results = await sink.results
        #expect(results.map(\.video) == inputs)
        #expect(report.videosFailed == 2)
        for r in results {
            #expect(r.status == .failed)
            #expect(r.error?.contains("scripted failure") == true, "\(r.error ?? "nil")")
            #expect(r.error?.contains("after 2 deliveries") == true, "\(r.error ?? "nil")")
        }
        let letters = try await frames.deadLetters(topic: "t.stage.s", after: nil, max: 100)
        #expect(Set(letters.map(\.message.video)) == [0, 1], "each video's failing frame is in the dead-letter stream")
        #expect(letters.allSatisfy { $0.error.contains("scripted failure") && $0.deliveryCount == 2 })
        #expect(calls.withLock { $0 } >= 4, "each video was tried at least twice")
        await frames.shutdown()
        await videos.shutdown()
        await store.shutdown()
    }
}
