import FramewiseCore
import FramewiseRedis
import Foundation
import Testing

/// The job store's scripts against a real redis-server: idempotent writes, a video finished
/// exactly once, joins handed on once, nothing recreated after a result is written.
@Suite("Redis job store against redis-server")
struct RedisJobStoreTests {
    static func store(_ server: RedisServerFixture) -> RedisJobStore {
        RedisJobStore(connection: server.configuration, keyPrefix: "jt")
    }

    static func update(_ stage: String, slot: Int, bytes: String, candidates: [String: [String]] = [:], stageCount: Int = 3,
                       video: Int = 0, epoch: Int = 1) -> StageOutputUpdate {
        var time = StageTime()
        time.items = 1
        time.inferenceSeconds = 0.25
        return StageOutputUpdate(job: "j", epoch: epoch, video: video, slot: slot, outputs: [stage: Data(bytes.utf8)], stageCount: stageCount,
                                 candidates: candidates, stage: stage, time: time, now: 1000)
    }

    @Test("a fork-join frame: the join is handed on once, the video finishes once")
    func forkJoinOnce() async throws {
        let server = try await RedisServerFixture.start()
        let store = Self.store(server)
        try await store.createJob("j", pipeline: "p", videos: 1, epoch: 1)
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0.5, readyAt: 999)) == .publish)
        try await store.markPublished(job: "j", epoch: 1, video: 0, slot: 0, stages: [JobStoreKeys.roots])
        // Redecoding after a crash: already handed to the roots.
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0.5, readyAt: 999)) == .alreadyPublished)

        let join = ["both": ["left", "right"]]
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "L", candidates: join)).isEmpty)
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "L2", candidates: join)).isEmpty, "redelivered: no second output")
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)) == ["both"])
        // Redelivered before the hand-on was marked: handed on again (a duplicate the join records once) ...
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)) == ["both"])
        try await store.markPublished(job: "j", epoch: 1, video: 0, slot: 0, stages: ["both"])
        // ... but never after.
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)).isEmpty)

        let outputs = try await store.outputs(job: "j", video: 0, slot: 0, stages: ["left", "right", "both"])
        #expect(outputs == ["left": Data("L".utf8), "right": Data("R".utf8)])

        _ = try await store.record(Self.update("both", slot: 0, bytes: "B"))
        #expect(try await store.isFinished(job: "j", epoch: 1, video: 0) == false, "decoding has not ended")
        try await store.videoDecoded(job: "j", epoch: 1, video: 0, frames: 1, decodedFrames: 3, decodeSeconds: 0.01)
        #expect(try await store.isFinished(job: "j", epoch: 1, video: 0))
        _ = try await store.record(Self.update("both", slot: 0, bytes: "B"))
        try await store.videoDecoded(job: "j", epoch: 1, video: 0, frames: 1, decodedFrames: 3, decodeSeconds: 0.01)

        let (finished, cursor) = try await store.finishedVideos(job: "j", after: nil, wait: .milliseconds(10))
        #expect(finished == [0], "announced exactly once")
        #expect(try await store.finishedVideos(job: "j", after: cursor, wait: .milliseconds(10)).videos.isEmpty)

        let video = try await store.video(job: "j", video: 0)
        #expect(video.totalFrames == 1 && video.decodedFrames == 3 && video.error == nil)
        #expect(video.frames.count == 1 && video.frames[0].info == StoredFrameInfo(index: 0, time: 0.5, readyAt: 999))
        #expect(video.frames[0].outputs.count == 3 && video.frames[0].completedAt == 1000)
        // Stage time added once per stage even though every stage was redelivered.
        #expect(video.stages["left"]?.items == 1 && video.stages["right"]?.inferenceSeconds == 0.25 && video.stages["both"]?.items == 1)
        await store.shutdown()
    }

    @Test("the first error wins and finishes the video once; a written video is never recreated")
    func failAndRemove() async throws {
        let server = try await RedisServerFixture.start()
        let store = Self.store(server)
        try await store.createJob("j", pipeline: "p", videos: 2, epoch: 1)
        _ = try await store.frameDecoded(job: "j", epoch: 1, video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1))
        try await store.fail(job: "j", epoch: 1, video: 1, error: "first")
        try await store.fail(job: "j", epoch: 1, video: 1, error: "second")
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [1])
        #expect(try await store.video(job: "j", video: 1).error == "first")
        // Stage outputs of a finished video are ignored.
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "x", candidates: ["both": ["left"]], video: 1)).isEmpty)

        try await store.removeVideo(job: "j", video: 1, frames: 1)
        // Late messages of the written video: no keys come back.
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .videoGone)
        try await store.fail(job: "j", epoch: 1, video: 1, error: "late")
        try await store.videoDecoded(job: "j", epoch: 1, video: 1, frames: 1, decodedFrames: 1, decodeSeconds: 0)
        #expect(try await store.isFinished(job: "j", epoch: 1, video: 1))
        let video = try await store.video(job: "j", video: 1)
        #expect(video.error == nil && video.totalFrames == nil && video.frames.isEmpty)
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [1])

        #expect(try await store.jobs() == [JobSummary(job: "j", pipeline: "p", videos: 2, finished: 1, created: try await store.jobs()[0].created)])
        try await store.removeJob("j")
        #expect(try await store.jobs().isEmpty)
        // A removed job ignores everything.
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .videoGone)
        await store.shutdown()
    }

    @Test("a video with no frames finishes when decoding ends; concurrent finishing frames announce it once")
    func concurrentFinish() async throws {
        let server = try await RedisServerFixture.start()
        let store = Self.store(server)
        try await store.createJob("j", pipeline: "p", videos: 2, epoch: 1)
        try await store.videoDecoded(job: "j", epoch: 1, video: 0, frames: 0, decodedFrames: 0, decodeSeconds: 0)
        let frames = 40
        for slot in 0..<frames { _ = try await store.frameDecoded(job: "j", epoch: 1, video: 1, slot: slot, info: StoredFrameInfo(index: slot, time: 0, readyAt: 1)) }
        try await store.videoDecoded(job: "j", epoch: 1, video: 1, frames: frames, decodedFrames: frames, decodeSeconds: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slot in 0..<frames {
                for _ in 0..<3 {  // every frame delivered three times at once
                    group.addTask { _ = try await store.record(Self.update("only", slot: slot, bytes: "o", stageCount: 1, video: 1)) }
                }
            }
            try await group.waitForAll()
        }
        let finished = try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos
        #expect(finished == [0, 1])
        #expect(try await store.video(job: "j", video: 1).stages["only"]?.items == frames)
        await store.shutdown()
    }
}

/// Epochs and the store's token: how a run tells that Redis lost its job, and how late work of
/// an earlier epoch is kept out once the job is started over.
@Suite("Redis job store epochs against redis-server")
struct RedisJobStoreEpochTests {
    @Test("after restartJob, writes of the earlier epoch are refused and what it stored is forgotten")
    func earlierEpochRefused() async throws {
        let server = try await RedisServerFixture.start()
        let store = RedisJobStore(connection: server.configuration, keyPrefix: "jt")
        try await store.createJob("j", pipeline: "p", videos: 2, epoch: 1)
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .publish)
        try await store.fail(job: "j", epoch: 1, video: 1, error: "epoch 1")
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [1])

        try await store.restartJob("j", pipeline: "p", videos: 2, epoch: 2)
        #expect(try await store.check(job: "j").jobEpoch == 2)
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos.isEmpty, "the finished feed starts over")
        #expect(try await store.video(job: "j", video: 1).error == nil, "epoch 1's state is forgotten")
        // Late work of epoch 1: refused, creates nothing.
        #expect(try await store.frameDecoded(job: "j", epoch: 1, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .videoGone)
        try await store.fail(job: "j", epoch: 1, video: 0, error: "late")
        try await store.videoDecoded(job: "j", epoch: 1, video: 0, frames: 1, decodedFrames: 1, decodeSeconds: 0)
        #expect(try await store.record(RedisJobStoreTests.update("only", slot: 0, bytes: "x", stageCount: 1, epoch: 1)).isEmpty)
        #expect(try await store.isFinished(job: "j", epoch: 1, video: 0), "epoch 1's messages are skipped")
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos.isEmpty)
        #expect(try await store.video(job: "j", video: 0).frames.isEmpty)
        // Epoch 2 works as usual.
        #expect(try await store.isFinished(job: "j", epoch: 2, video: 0) == false)
        #expect(try await store.frameDecoded(job: "j", epoch: 2, video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .publish)
        _ = try await store.record(RedisJobStoreTests.update("only", slot: 0, bytes: "y", stageCount: 1, epoch: 2))
        try await store.videoDecoded(job: "j", epoch: 2, video: 0, frames: 1, decodedFrames: 1, decodeSeconds: 0)
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [0])
        #expect(try await store.video(job: "j", video: 0).frames.first?.outputs["only"] == Data("y".utf8))
        await store.shutdown()
    }

    @Test("the store's token stays while the data lives and is gone after FLUSHALL; check tells the job's epoch and evictions")
    func storeTokenAndCheck() async throws {
        let server = try await RedisServerFixture.start()
        let store = RedisJobStore(connection: server.configuration, keyPrefix: "jt")
        let token = try await store.storeEpoch()
        #expect(try await store.storeEpoch() == token, "made once")
        try await store.createJob("j", pipeline: "p", videos: 1, epoch: 1)
        let check = try await store.check(job: "j")
        #expect(check.storeEpoch == token && check.jobEpoch == 1 && check.evictedKeys == 0)
        #expect(try await store.check(job: "other").jobEpoch == nil)

        let connection = try await RedisConnection.connect(to: server.configuration)
        _ = try await connection.send(RESPCommand("FLUSHALL"))
        await connection.close()
        let lost = try await store.check(job: "j")
        #expect(lost.storeEpoch == nil && lost.jobEpoch == nil)
        #expect(try await store.storeEpoch() != token, "a new token for the new contents")
        await store.shutdown()
    }
}
