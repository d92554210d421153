import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseRuntime
import Logging
import ServiceLifecycle

/// Feeds one pipeline's queued videos, from every job, into that pipeline's engine: it claims up
/// to `maxInFlight` videos (priority, then arrival order; one SLO per run) and runs them as one
/// engine run, so batches mix frames of different jobs, writing each result to the repository as
/// it finishes; then claims the next ones. Idle, it waits for a submission.
///
/// Graceful shutdown: no new videos are claimed; the run in flight finishes within
/// `drainTimeout`, else its videos stay "running" in the store and are re-queued at the next start.
final class JobDispatcher: Service {
    let application: FramewiseApplication
    let repository: any JobRepository
    let changes: ChangeSignal
    let maxInFlight: Int
    let drainTimeout: Duration
    let logger: Logger

    init(application: FramewiseApplication, repository: any JobRepository, changes: ChangeSignal, maxInFlight: Int,
         drainTimeout: Duration, logger: Logger) {
        self.application = application
        self.repository = repository
        self.changes = changes
        self.maxInFlight = max(1, maxInFlight)
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    var pipelineName: String { application.pipeline.spec.name }

    func run() async throws {
        let (id, wakeups) = changes.subscribe()
        defer { changes.cancel(id) }
        for await _ in wakeups.cancelOnGracefulShutdown() {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let claimed: [ClaimedVideo]
                do {
                    claimed = try await repository.claim(pipeline: pipelineName, limit: maxInFlight)
                } catch {
                    logger.error("cannot claim videos", metadata: ["pipeline": "\(pipelineName)", "error": "\(error)"])
                    break
                }
                if claimed.isEmpty { break }
                // After a failed run, wait for the next wake-up (at most a second) before retrying.
                guard await runChunk(claimed) else { break }
            }
        }
    }

    /// Runs `videos` through the engine; keeps going through a graceful shutdown for at most
    /// `drainTimeout`. Returns whether every video's result was stored.
    private func runChunk(_ videos: [ClaimedVideo]) async -> Bool {
        var configuration = application.engine
        configuration.decoders = videos.count
        configuration.slo = videos.first?.slo.map { .microseconds(Int64($0 * 1e6)) } ?? application.engine.slo
        let engine = StreamingEngine(pipeline: application.pipeline, configuration: configuration)
        let sink = RepositorySink(videos: videos, repository: repository, changes: changes)
        let paths = videos.map(\.path)
        let work = Task { try await engine.run(videos: paths, sink: sink) }
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    _ = try await work.value
                } catch {
                    self.logger.error("engine run failed", metadata: ["pipeline": "\(self.pipelineName)", "error": "\(error)"])
                }
                return true
            }
            group.addTask {
                // Wait for a graceful shutdown (not cancelled by it), then give the run `drainTimeout`.
                try? await gracefulShutdown()
                try? await Task.sleep(for: self.drainTimeout)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        if finished {
            // Videos the run did not write (a store error) go back in the queue; those written stay once.
            let settled = sink.settled
            let unwritten = videos.map(\.id).filter { !settled.contains($0) }
            if !unwritten.isEmpty { try? await repository.requeue(videos: unwritten) }
            return unwritten.isEmpty
        } else {
            logger.warning("stopping with videos in flight; they are re-queued at the next start",
                           metadata: ["pipeline": "\(pipelineName)", "videos": "\(videos.count - sink.settled.count)"])
            return false
        }
    }
}
