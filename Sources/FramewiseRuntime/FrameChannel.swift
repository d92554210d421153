import Foundation

/// A bounded hand-over from one producer thread (a decoder) to one async consumer.
///
/// `send` blocks the producer thread while the channel is full (decoding runs ahead of
/// inference by at most `capacity` items); `next` suspends the consumer without blocking a
/// cooperative thread. `cancel` makes `send` return false so the producer can stop early.
final class FrameChannel<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [Element] = []
    private var head = 0
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waiter: CheckedContinuation<Element?, any Error>?
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands `element` to the consumer, blocking while full. False once the consumer cancelled.
    func send(_ element: Element) -> Bool {
        condition.lock()
        while buffer.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: element)
            return true
        }
        buffer.append(element)
        condition.unlock()
        return true
    }

    /// Ends the stream, with an error if the producer failed.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// The next element, nil at the end, or the producer's error once buffered elements are consumed.
    /// Cancelling the waiting task cancels the channel (as `cancel`) and throws `CancellationError`,
    /// so a consumer never hangs on a producer that is stuck (e.g. opening a file that never answers).
    func next() async throws -> Element? {
        try await withTaskCancellationHandler {
            try await waitForNext()
        } onCancel: {
            cancel()
        }
    }

    private func waitForNext() async throws -> Element? {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if cancelled {
                condition.unlock()
                continuation.resume(throwing: CancellationError())
            } else if head < buffer.count {
                let element = buffer[head]
                head += 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                condition.signal()
                condition.unlock()
                continuation.resume(returning: element)
            } else if finished {
                let error = failure
                condition.unlock()
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            } else {
                waiter = continuation
                condition.unlock()
            }
        }
    }

    /// The consumer stops: the producer's pending and later `send`s return false.
    func cancel() {
        condition.lock()
        cancelled = true
        buffer.removeAll()
        head = 0
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(throwing: CancellationError())
    }
}
