import FramewiseCore

/// A `publish` suspended at the bound; the broker appends its messages as acks free space.
struct PublishWaiter<Message: Sendable> {
    let id: UInt64
    let messages: [Message]
    var next = 0
    var ids: [DeliveryID] = []
    let continuation: CheckedContinuation<[DeliveryID], any Error>
}

/// A `consume` waiting for its group's next message.
struct ConsumeWaiter<Message: Sendable> {
    let id: UInt64
    let group: String
    let consumer: String
    let max: Int
    let continuation: CheckedContinuation<[Delivery<Message>], any Error>
    var timer: Task<Void, Never>?
}

/// A continuation to resume once the lock is released (never resume under the lock).
enum BrokerWakeup<Message: Sendable>: Sendable {
    case published(CheckedContinuation<[DeliveryID], any Error>, Result<[DeliveryID], any Error>)
    case delivered(CheckedContinuation<[Delivery<Message>], any Error>, Result<[Delivery<Message>], any Error>, timer: Task<Void, Never>?)

    func run() {
        switch self {
        case let .published(continuation, result):
            continuation.resume(with: result)
        case let .delivered(continuation, result, timer):
            timer?.cancel()
            continuation.resume(with: result)
        }
    }
}

extension Array {
    func run<Message>() where Element == BrokerWakeup<Message> {
        for wakeup in self { wakeup.run() }
    }
}

extension TopicLog {
    /// Appends the messages of suspended publishers, oldest first, while there is space.
    func servePublishers() -> [BrokerWakeup<Message>] {
        var wakeups: [BrokerWakeup<Message>] = []
        while !publishWaiters.isEmpty, space > 0 {
            let waiter = publishWaiters[0]
            let count = Swift.min(space, waiter.messages.count - waiter.next)
            let first = append(waiter.messages[waiter.next..<(waiter.next + count)])
            publishWaiters[0].next += count
            publishWaiters[0].ids.append(contentsOf: DeliveryIDSequence.ids(from: first, count: count))
            if publishWaiters[0].next == waiter.messages.count {
                let done = publishWaiters.removeFirst()
                wakeups.append(.published(done.continuation, .success(done.ids)))
            }
        }
        return wakeups
    }

    /// Hands new messages to waiting consumers, oldest waiter first.
    func serveConsumers(now: @autoclosure () -> Duration) -> [BrokerWakeup<Message>] {
        guard !consumeWaiters.isEmpty else { return [] }
        var wakeups: [BrokerWakeup<Message>] = []
        var time: Duration?
        consumeWaiters.removeAll { waiter in
            guard let group = groups[waiter.group], group.undelivered > 0 else { return false }
            let instant = time ?? now()
            time = instant
            let deliveries = take(for: group, consumer: waiter.consumer, max: waiter.max, now: instant)
            wakeups.append(.delivered(waiter.continuation, .success(deliveries), timer: waiter.timer))
            return true
        }
        return wakeups
    }

    /// After messages were freed: admit waiting publishers, then feed waiting consumers.
    func afterRelease(of group: ConsumerGroupLog, now: @autoclosure () -> Duration) -> [BrokerWakeup<Message>] {
        trimFront(group)
        guard !publishWaiters.isEmpty else { return [] }
        let published = servePublishers()
        return published + serveConsumers(now: now())
    }

    /// Fails every waiter (on close).
    func failAll(_ error: any Error) -> [BrokerWakeup<Message>] {
        let wakeups = publishWaiters.map { BrokerWakeup<Message>.published($0.continuation, .failure(error)) }
            + consumeWaiters.map { .delivered($0.continuation, .failure(error), timer: $0.timer) }
        publishWaiters.removeAll()
        consumeWaiters.removeAll()
        return wakeups
    }
}
