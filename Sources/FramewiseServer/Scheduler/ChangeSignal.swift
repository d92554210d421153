import Foundation
import Synchronization

/// Wakes whoever waits for the store to change (a job submitted, a result stored, the server
/// draining). Each waiter has its own stream holding at most one pending wake-up, so a notify
/// is never lost and never piles up; waiters re-read the store, so a spurious wake-up is harmless.
final class ChangeSignal: Sendable {
    private let waiters = Mutex<[UUID: AsyncStream<Void>.Continuation]>([:])

    /// A stream that yields once at once (so the waiter reads the store first), then after every
    /// `notify()` (coalesced), until `cancel`.
    func subscribe() -> (id: UUID, changes: AsyncStream<Void>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        let id = UUID()
        waiters.withLock { $0[id] = continuation }
        return (id, stream)
    }

    func cancel(_ id: UUID) {
        waiters.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    func notify() {
        let all = waiters.withLock { Array($0.values) }
        for continuation in all { continuation.yield() }
    }
}
