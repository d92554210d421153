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
                       video: Int = 0) -> StageOutputUpdate {
        var time = StageTime()
        time.items = 1
        time.inferenceSeconds = 0.25
        return StageOutputUpdate(job: "j", video: video, slot: slot, outputs: [stage: Data(bytes.utf8)], stageCount: stageCount,
                                 candidates: candidates, stage: stage, time: time, now: 1000)
    }

    @Test("a fork-join frame: the join is handed on once, the video finishes once")
    func forkJoinOnce() async throws {
        let server = try await RedisServerFixture.start()
        let store = Self.store(server)
        try await store.createJob("j", pipeline: "p", videos: 1)
        #expect(try await store.frameDecoded(job: "j", video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0.5, readyAt: 999)) == .publish)
        try await store.markPublished(job: "j", video: 0, slot: 0, stages: [JobStoreKeys.roots])
        // Redecoding after a crash: already handed to the roots.
        #expect(try await store.frameDecoded(job: "j", video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0.5, readyAt: 999)) == .alreadyPublished)

        let join = ["both": ["left", "right"]]
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "L", candidates: join)).isEmpty)
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "L2", candidates: join)).isEmpty, "redelivered: no second output")
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)) == ["both"])
        // Redelivered before the hand-on was marked: handed on again (a duplicate the join records once) ...
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)) == ["both"])
        try await store.markPublished(job: "j", video: 0, slot: 0, stages: ["both"])
        // ... but never after.
        #expect(try await store.record(Self.update("right", slot: 0, bytes: "R", candidates: join)).isEmpty)

        let outputs = try await store.outputs(job: "j", video: 0, slot: 0, stages: ["left", "right", "both"])
        #expect(outputs == ["left": Data("L".utf8), "right": Data("R".utf8)])

        _ = try await store.record(Self.update("both", slot: 0, bytes: "B"))
        #expect(try await store.isFinished(job: "j", video: 0) == false, "decoding has not ended")
        try await store.videoDecoded(job: "j", video: 0, frames: 1, decodedFrames: 3, decodeSeconds: 0.01)
        #expect(try await store.isFinished(job: "j", video: 0))
        _ = try await store.record(Self.update("both", slot: 0, bytes: "B"))
        try await store.videoDecoded(job: "j", video: 0, frames: 1, decodedFrames: 3, decodeSeconds: 0.01)

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
        try await store.createJob("j", pipeline: "p", videos: 2)
        _ = try await store.frameDecoded(job: "j", video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1))
        try await store.fail(job: "j", video: 1, error: "first")
        try await store.fail(job: "j", video: 1, error: "second")
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [1])
        #expect(try await store.video(job: "j", video: 1).error == "first")
        // Stage outputs of a finished video are ignored.
        #expect(try await store.record(Self.update("left", slot: 0, bytes: "x", candidates: ["both": ["left"]], video: 1)).isEmpty)

        try await store.removeVideo(job: "j", video: 1, frames: 1)
        // Late messages of the written video: no keys come back.
        #expect(try await store.frameDecoded(job: "j", video: 1, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .videoGone)
        try await store.fail(job: "j", video: 1, error: "late")
        try await store.videoDecoded(job: "j", video: 1, frames: 1, decodedFrames: 1, decodeSeconds: 0)
        #expect(try await store.isFinished(job: "j", video: 1))
        let video = try await store.video(job: "j", video: 1)
        #expect(video.error == nil && video.totalFrames == nil && video.frames.isEmpty)
        #expect(try await store.finishedVideos(job: "j", after: nil, wait: .zero).videos == [1])

        #expect(try await store.jobs() == [JobSummary(job: "j", pipeline: "p", videos: 2, finished: 1, created: try await store.jobs()[0].created)])
        try await store.removeJob("j")
        #expect(try await store.jobs().isEmpty)
        // A removed job ignores everything.
        #expect(try await store.frameDecoded(job: "j", video: 0, slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 1)) == .videoGone)
        await store.shutdown()
    }

    @Test("a video with no frames finishes when decoding ends; concurrent finishing frames announce it once")
    func concurrentFinish() async throws {
        let server = try await RedisServerFixture.start()
        let store = Self.store(server)
        try await store.createJob("j", pipeline: "p", videos: 2)
        try await store.videoDecoded(job: "j", video: 0, frames: 0, decodedFrames: 0, decodeSeconds: 0)
        let frames = 40
        for slot in 0..<frames { _ = try await store.frameDecoded(job: "j", video: 1, slot: slot, info: StoredFrameInfo(index: slot, time: 0, readyAt: 1)) }
        try await store.videoDecoded(job: "j", video: 1, frames: frames, decodedFrames: frames, decodeSeconds: 0)
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
