import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The server's clock work: wakes waiters every second (so streams notice a finished job or a
/// shutdown even without a result) and lets the store do its upkeep (`maintain`), renews this
/// server's leases on its running videos and puts back in the queue those of dead servers (a
/// shared store) every `leaseInterval`, deletes finished jobs past their retention every hour,
/// and on graceful shutdown marks the server draining first (it runs last, so it stops first).
final class ServerHousekeeping: Service {
    let repository: any JobRepository
    let changes: ChangeSignal
    let retentionDays: Int
    let uploads: UploadStore
    let logger: Logger
    /// How often leases are renewed and expired ones re-queued (a third of the lease).
    let leaseInterval: Duration
    private let draining = Atomic(false)

    init(repository: any JobRepository, changes: ChangeSignal, retentionDays: Int, uploads: UploadStore, logger: Logger,
         leaseInterval: Duration = .seconds(10)) {
        self.leaseInterval = leaseInterval
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
        var lastLeases = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !isDraining {
                if ContinuousClock.now - lastLeases >= leaseInterval {
                    lastLeases = .now
                    await tendLeases()
                }
                if retentionDays > 0, ContinuousClock.now - lastRetention >= .seconds(3600) {
                    lastRetention = .now
                    await deleteExpired()
                }
                changes.notify()
                await repository.maintain()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        } onGracefulShutdown: {
            self.draining.store(true, ordering: .relaxed)
            self.changes.notify()
        }
    }

    /// Renews this server's leases; re-queues the videos of servers whose leases expired.
    func tendLeases() async {
        do {
            _ = try await repository.renewLeases()
            let requeued = try await repository.requeueExpiredLeases()
            if requeued > 0 {
                logger.warning("\(requeued) videos of a server that stopped renewing its leases are queued again")
                changes.notify()
            }
        } catch {
            logger.error("cannot renew leases", metadata: ["error": "\(error)"])
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
