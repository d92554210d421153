import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The server's clock work: wakes waiters every second (so streams notice a finished job or a
/// shutdown even without a result), deletes finished jobs past their retention every hour, and
/// on graceful shutdown marks the server draining first (it runs last, so it stops first).
final class ServerHousekeeping: Service {
    let repository: any JobRepository
    let changes: ChangeSignal
    let retentionDays: Int
    let uploads: UploadStore
    let logger: Logger
    private let draining = Atomic(false)

    init(repository: any JobRepository, changes: ChangeSignal, retentionDays: Int, uploads: UploadStore, logger: Logger) {
        self.uploads = uploads
        self.repository = repository
        self.changes = changes
        self.retentionDays = retentionDays
        self.logger = logger
    }

    /// Whether a graceful shutdown began: event streams end, the dispatchers claim nothing new.
    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func run() async throws {
        var lastRetention = ContinuousClock.now - .seconds(7200)
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !isDraining {
                if retentionDays > 0, ContinuousClock.now - lastRetention >= .seconds(3600) {
                    lastRetention = .now
                    await deleteExpired()
                }
                changes.notify()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        } onGracefulShutdown: {
            self.draining.store(true, ordering: .relaxed)
            self.changes.notify()
        }
    }

    /// Deletes jobs finished more than `retentionDays` ago.
    func deleteExpired() async {
        do {
            let cutoff = Date().addingTimeInterval(-Double(retentionDays) * 86_400)
            let deleted = try await repository.deleteFinished(before: cutoff)
            for job in deleted { uploads.remove(job: job) }
            if !deleted.isEmpty { logger.info("retention: deleted \(deleted.count) finished jobs older than \(retentionDays) days") }
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
