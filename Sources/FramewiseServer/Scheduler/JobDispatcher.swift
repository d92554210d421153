import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseRuntime
import Logging
import ServiceLifecycle
import Synchronization

/// Feeds one pipeline's queued videos, from every job, into that pipeline's one long-lived
/// engine (`FramewiseApplication.serve(feed:)`: in this process, or on Redis workers): whenever fewer than `maxInFlight` claimed videos are
/// unfinished it claims more (priority, then arrival), so batches mix frames of different jobs
/// and a new job's videos enter as soon as a slot frees, not after a whole run. Each result is
/// stored as its video finishes. A video's deadline counts from its job's acceptance.
///
/// Graceful shutdown: nothing new is claimed; the videos in the engine finish within
/// `drainTimeout`, else they stay "running" in the store and are re-queued at the next start.
final class JobDispatcher: Service {
    let application: FramewiseApplication
    let repository: any JobRepository
    let changes: ChangeSignal
    let maxInFlight: Int
    let drainTimeout: Duration
    let logger: Logger
    /// Where finished videos are recorded for `/ui` (nil: nowhere).
    let activity: RecentActivity?
    private let outstanding = Mutex<[Int64: ClaimedVideo]>([:])

    init(application: FramewiseApplication, repository: any JobRepository, changes: ChangeSignal, maxInFlight: Int,
         drainTimeout: Duration, logger: Logger, activity: RecentActivity? = nil) {
        self.activity = activity
        self.application = application
        self.repository = repository
        self.changes = changes
        self.maxInFlight = max(1, maxInFlight)
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    var pipelineName: String { application.pipeline.spec.name }

    /// Claimed videos not finished yet.
    var inFlight: Int { outstanding.withLock { $0.count } }

    func run() async throws {
        let (feed, input) = AsyncStream.makeStream(of: FeedVideo.self)
        let serving = Task { [application, logger, pipelineName] in
            do {
                try await application.serve(feed: feed) { video, result in await self.finished(video.tag, result) }
            } catch {
                logger.error("cannot run the pipeline's videos", metadata: ["pipeline": "\(pipelineName)", "error": "\(error)"])
            }
        }
        let (id, wakeups) = changes.subscribe()
        for await _ in wakeups.cancelOnGracefulShutdown() {
            await claim(into: input)
        }
        changes.cancel(id)
        let drained = await drain()
        input.finish()
        if !drained {
            logger.warning("stopping with videos in flight; they are re-queued at the next start",
                           metadata: ["pipeline": "\(pipelineName)", "videos": "\(inFlight)"])
            serving.cancel()
        }
        await serving.value
    }

    /// Claims queued videos while there is room in the engine, and feeds them in.
    private func claim(into input: AsyncStream<FeedVideo>.Continuation) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let room = maxInFlight - inFlight
            guard room > 0 else { return }
            let claimed: [ClaimedVideo]
            do {
                claimed = try await repository.claim(pipeline: pipelineName, limit: room)
            } catch {
                logger.error("cannot claim videos", metadata: ["pipeline": "\(pipelineName)", "error": "\(error)"])
                return
            }
            guard !claimed.isEmpty else { return }
            outstanding.withLock { all in for video in claimed { all[video.id] = video } }
            for video in claimed {
                let waited = Date().timeIntervalSince(video.acceptedAt)
                input.yield(FeedVideo(tag: video.id, path: video.path, deadlineIn: video.slo.map { $0 - waited }))
            }
        }
    }

    /// Stores a finished video's result; one that cannot be stored goes back in the queue.
    private func finished(_ video: Int64, _ result: VideoResult) async {
        activity?.finished(pipeline: pipelineName, result: result)
        do {
            _ = try await repository.storeResult(video: video, status: result.status.rawValue, json: result.json.jsonText)
        } catch {
            logger.error("cannot store a result; the video is queued again", metadata: ["pipeline": "\(pipelineName)", "error": "\(error)"])
            try? await repository.requeue(videos: [video])
        }
        let job = outstanding.withLock { $0.removeValue(forKey: video) }?.job
        if let job { changes.notify(job: job) } else { changes.notify() }
    }

    /// Waits for the videos in the engine to finish, at most `drainTimeout`; whether they did.
    private func drain() async -> Bool {
        let deadline = ContinuousClock.now + drainTimeout
        while inFlight > 0, ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { break }
        }
        return inFlight == 0
    }
}
