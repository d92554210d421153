import Foundation
import Synchronization

/// Wakes whoever waits for the store to change. Dispatchers wait for any change (a job submitted,
/// a result stored so room freed); an event stream waits for its own job only, so a result wakes
/// one stream instead of every open one. Each waiter has its own stream holding at most one
/// pending wake-up, so a notify is never lost and never piles up; waiters re-read the store, so
/// a spurious wake-up is harmless. (Housekeeping wakes everyone once a second as well: changes
/// made by another server on a shared store.)
final class ChangeSignal: Sendable {
    private struct Waiter {
        /// nil: woken by every change.
        let job: String?
        let continuation: AsyncStream<Void>.Continuation
    }
    private let waiters = Mutex<[UUID: Waiter]>([:])

    /// A stream that yields once at once (so the waiter reads the store first), then after every
    /// change it waits for (coalesced), until `cancel`: all of them (`job` nil), or those of `job`
    /// and `notify()`.
    func subscribe(job: String? = nil) -> (id: UUID, changes: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        let id = UUID()
        waiters.withLock { $0[id] = Waiter(job: job, continuation: continuation) }
        return (id, stream)
    }

    func cancel(_ id: UUID) {
        waiters.withLock { $0.removeValue(forKey: id) }?.continuation.finish()
    }

    /// Anything may have changed: wakes every waiter.
    func notify() { wake { _ in true } }

    /// Videos were queued (a job submitted): wakes the waiters for any change (the dispatchers).
    func notifyQueued() { wake { $0 == nil } }

    /// `job` changed (a result stored, cancelled): wakes its waiters and those for any change.
    func notify(job: String) { wake { $0 == nil || $0 == job } }

    private func wake(_ matching: (String?) -> Bool) {
        let chosen = waiters.withLock { all in all.values.filter { matching($0.job) }.map(\.continuation) }
        for continuation in chosen { continuation.yield() }
    }
}
