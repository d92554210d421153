import Foundation
import FramewiseCore
@testable import FramewiseRuntime
import FramewiseTesting
import Synchronization
import Testing

/// The engine as a long-lived feed (what the server runs): videos enter while it runs, results
/// come out as videos finish, equal to `run`'s, and nothing is kept per finished video.
@Suite struct StreamingEngineFeedTests {
    /// Collects a feed's results.
    final class Results: Sendable {
        let all = Mutex<[(FeedVideo, VideoResult)]>([])
        var count: Int { all.withLock { $0.count } }
    }

    @Test func videosFedWhileItRunsGetTheSameResultsAsRun() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 5)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        var videos = try StreamingEngineTests.videos.map { try Fixtures.require(Fixtures.path($0)) }
        videos.insert(Fixtures.path("media/not-there.mp4"), at: 1)
        let config = EngineConfiguration(decoders: 2, workerThreads: 2, topicBound: 8, maxQueueDelay: .milliseconds(2))
        let (expected, _) = try await StreamingEngineTests.run(pipeline, videos, streaming: config)

        let engine = StreamingEngine(pipeline: pipeline, configuration: config)
        let (feed, input) = AsyncStream.makeStream(of: FeedVideo.self)
        let results = Results()
        let serving = Task { await engine.serve(feed: feed) { video, result in results.all.withLock { $0.append((video, result)) } } }
        // Half now; the rest once the first results are out, while the engine still runs.
        for (i, path) in videos.enumerated().prefix(3) { input.yield(FeedVideo(tag: Int64(100 + i), path: path)) }
        #expect(await Self.eventually { results.count >= 1 })
        for (i, path) in videos.enumerated().dropFirst(3) { input.yield(FeedVideo(tag: Int64(100 + i), path: path)) }
        input.finish()
        await serving.value

        let byTag = Dictionary(uniqueKeysWithValues: results.all.withLock { $0 }.map { ($0.0.tag, $0.1) })
        #expect(byTag.count == videos.count, "every fed video, once")
        for (i, want) in expected.enumerated() {
            let got = try #require(byTag[Int64(100 + i)])
            #expect(got.video == want.video && got.status == want.status && got.error == want.error)
            #expect(JSONValue.array(got.frames.map(\.json)) == JSONValue.array(want.frames.map(\.json)), "frames of \(want.video)")
            #expect(got.summary == want.summary)
        }
    }

    @Test func anEmptyFeedThatEndsReturnsAndACancelledServeStops() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 5)
        let engine = StreamingEngine(pipeline: try LoadedPipeline(spec: spec, backend: backend), configuration: EngineConfiguration(decoders: 1, workerThreads: 1))
        let (empty, ended) = AsyncStream.makeStream(of: FeedVideo.self)
        ended.finish()
        await engine.serve(feed: empty) { _, _ in Issue.record("no video, no result") }
        // A feed that stays open serves until its task is cancelled.
        let (open, _) = AsyncStream.makeStream(of: FeedVideo.self)
        let serving = Task { await engine.serve(feed: open) { _, _ in } }
        serving.cancel()
        await serving.value
    }

    @Test func aPerVideoDeadlineThatAlreadyPassedDropsItsFrames() async throws {
        let engine = StreamingEngine(pipeline: try DeadlineTests.slowPipeline(), configuration: EngineConfiguration(decoders: 1, workerThreads: 1))
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let (feed, input) = AsyncStream.makeStream(of: FeedVideo.self)
        input.yield(FeedVideo(tag: 1, path: video, deadlineIn: -1))
        input.finish()
        let results = Results()
        await engine.serve(feed: feed) { video, result in results.all.withLock { $0.append((video, result)) } }
        let result = try #require(results.all.withLock { $0.first?.1 })
        #expect(result.status == .ok && result.stats.stages["s"]?.dropped == result.frames.count && !result.frames.isEmpty)
    }

    @Test func retiredVideosStayFinishedWithoutKeepingEachNumber() {
        var retired = RetiredVideos()
        for video in [2, 0, 5, 1] { retired.insert(video) }
        #expect(retired.below == 3, "0, 1, 2 folded into the watermark")
        #expect(retired.contains(0) && retired.contains(2) && retired.contains(5))
        #expect(!retired.contains(3) && !retired.contains(4) && !retired.contains(6))
        retired.insert(4)
        retired.insert(3)
        #expect(retired.below == 6)
    }

    @Test func aForgottenVideoStillCountsAsFinished() {
        let tracker = VideoTracker()
        tracker.start(0, path: "/a")
        #expect(tracker.decodeFinished(0, frames: 0, decoded: 0, decodeSeconds: 0, media: nil, error: nil) != nil)
        tracker.start(1, path: "/b")
        tracker.forget(1)
        #expect(!tracker.isFailed(1), "an unfinished video is not forgotten")
        tracker.forget(0)
        #expect(tracker.isFailed(0), "late messages of a forgotten video are settled, not run")
    }

    static func eventually(within seconds: Double = 20, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
