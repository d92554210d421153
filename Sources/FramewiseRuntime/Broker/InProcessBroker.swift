import FramewiseCore
import Synchronization

/// The default `Broker`: topics, consumer groups and dead letters in this process's memory,
/// with the semantics of the Redis Streams broker (at-least-once, acks, reclaim, dead letters).
///
/// Rules worth knowing:
/// - Topics are created on first use, groups on first `consume`; a new group starts at the
///   oldest message still stored (Redis: `XGROUP CREATE ... 0`). Every group sees every message;
///   within a group each message goes to one consumer at a time. A group created after other
///   groups acked (and so freed) messages never sees those: create groups before publishing,
///   e.g. with `consume(..., max: 0, wait: .zero)`, which registers group and consumer only.
/// - A message is freed (stops counting against `bound`) once every group that existed when it
///   was stored has acked or dead-lettered it. Messages published before any group exists wait
///   for the first group. One group that never acks therefore stalls publishers of its topic.
/// - `ack` is idempotent like `XACK`: ids that are not pending for the group are ignored. Only
///   an id this broker could never have written throws `BrokerError.unknownDelivery`.
///   `deadLetter` of a delivery that is no longer pending is likewise ignored.
/// - A message is delivered at most `maxDeliveries` times per group; the `reclaim` that would
///   exceed that moves it to `<topic>.dead` instead, with the reason, and acks it.
/// - Dead-letter topics are ordinary topics (consume them like any other) without a bound.
///
/// One `Mutex` guards all state; batch calls take it once per call, and suspended callers
/// wait on continuations that are resumed outside the lock.
public final class InProcessBroker<Message: Sendable>: Broker, Sendable {
    public let configuration: InProcessBrokerConfiguration
    let state: Mutex<InProcessBrokerState<Message>>
    let waiterIDs = Atomic<UInt64>(0)

    public init(configuration: InProcessBrokerConfiguration = .init()) {
        self.configuration = configuration
        self.state = Mutex(InProcessBrokerState(configuration: configuration))
    }

    /// The dead-letter topic of `topic`.
    public static func deadLetterTopic(of topic: String) -> String { topic + ".dead" }

    @discardableResult
    public func publish(_ messages: [Message], to topic: String) async throws -> [DeliveryID] {
        guard !messages.isEmpty else { return [] }
        let (ids, wakeups) = try state.withLock { state throws(BrokerError) -> ([DeliveryID]?, [BrokerWakeup<Message>]) in
            try state.checkOpen()
            let log = state.topic(topic)
            guard log.publishWaiters.isEmpty, log.space >= messages.count else { return (nil, []) }
            let first = log.append(messages)
            let ids = DeliveryIDSequence.ids(from: first, count: messages.count)
            return (ids, log.serveConsumers(now: state.configuration.now()))
        }
        wakeups.run()
        if let ids { return ids }
        return try await publishWhenSpace(messages, to: topic)
    }

    public func consume(from topic: String, group: String, consumer: String, max: Int, wait: Duration) async throws -> [Delivery<Message>] {
        let ready = try state.withLock { state throws(BrokerError) in
            try state.checkOpen()
            return Self.take(&state, topic: topic, group: group, consumer: consumer, max: max)
        }
        guard ready.isEmpty, max > 0, wait > .zero else { return ready }
        return try await consumeWhenPublished(from: topic, group: group, consumer: consumer, max: max, wait: wait)
    }

    /// Takes what is ready for `group`, creating topic and group and registering the consumer.
    static func take(_ state: inout InProcessBrokerState<Message>, topic: String, group: String, consumer: String, max: Int) -> [Delivery<Message>] {
        let log = state.topic(topic)
        let groupLog = log.group(group)
        groupLog.consumers.insert(consumer)
        guard groupLog.undelivered > 0 else { return [] }
        return log.take(for: groupLog, consumer: consumer, max: max, now: state.configuration.now())
    }

    public func ack(_ ids: [DeliveryID], topic: String, group: String) async throws {
        let wakeups = try state.withLock { state throws(BrokerError) -> [BrokerWakeup<Message>] in
            try state.checkOpen()
            var sequences: [UInt64] = []
            sequences.reserveCapacity(ids.count)
            for id in ids {
                guard let sequence = id.sequence else { throw .unknownDelivery(topic: topic, id: id) }
                sequences.append(sequence)
            }
            guard let log = state.topics[topic], let groupLog = log.groups[group] else { return [] }
            for sequence in sequences { log.settle(sequence, in: groupLog) }
            return log.afterRelease(of: groupLog, now: state.configuration.now())
        }
        wakeups.run()
    }

    public func reclaim(from topic: String, group: String, consumer: String, minIdle: Duration, max: Int) async throws -> [Delivery<Message>] {
        let (deliveries, wakeups) = try state.withLock { state throws(BrokerError) in
            try state.checkOpen()
            return state.reclaim(topic: topic, group: group, consumer: consumer, minIdle: minIdle, max: max)
        }
        wakeups.run()
        return deliveries
    }

    public func deadLetter(_ delivery: Delivery<Message>, topic: String, group: String, error: String) async throws {
        let wakeups = try state.withLock { state throws(BrokerError) in
            try state.checkOpen()
            return try state.deadLetter(delivery, topic: topic, group: group, error: error)
        }
        wakeups.run()
    }

    public func stats(topic: String, group: String) async throws -> TopicStats {
        try state.withLock { state throws(BrokerError) in
            try state.checkOpen()
            return state.stats(topic: topic, group: group)
        }
    }

    /// The messages in `topic`'s dead-letter topic, oldest first, with why each is there.
    public func deadLetters(topic: String) -> [DeadLetter<Message>] {
        state.withLock { $0.deadLetters(of: topic) }
    }

    public func deadLetters(topic: String, after: DeliveryID?, max: Int) async throws -> [DeadLetter<Message>] {
        let all = deadLetters(topic: topic)
        let newer = after.map { a in all.filter { $0.id > a } } ?? all
        return Array(newer.prefix(Swift.max(0, max)))
    }

    /// How many `publish` and `consume` calls are suspended on `topic` (diagnostics, tests).
    public func suspendedCalls(topic: String) -> (publishers: Int, consumers: Int) {
        state.withLock { state in
            guard let log = state.topics[topic] else { return (0, 0) }
            return (log.publishWaiters.count, log.consumeWaiters.count)
        }
    }

    /// Shuts the broker: every suspended `publish` and `consume` throws `BrokerError.closed`,
    /// and so does every later call. Idempotent.
    public func close() {
        state.withLock { $0.close() }.run()
    }
}
