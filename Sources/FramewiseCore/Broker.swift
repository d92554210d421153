/// Moves work between stages: one topic per stage input, consumer groups, at-least-once
/// delivery with explicit acks, redelivery of what a dead consumer held, and dead letters.
///
/// The in-process broker and Redis Streams implement the same semantics, so the engine cannot
/// tell them apart. Messages are small references (video, frame ids, deadlines), never pixels.
public protocol Broker<Message>: Sendable {
    associatedtype Message: Sendable

    /// Appends `messages` to `topic`, suspending while the topic is at its bound (backpressure).
    /// Returns the ids the broker assigned, in order.
    @discardableResult
    func publish(_ messages: [Message], to topic: String) async throws -> [DeliveryID]

    /// Up to `max` messages of `topic` not yet delivered to `group`, now owned by `consumer`
    /// until acked. Waits at most `wait` for the first one; returns an empty array on time-out.
    func consume(from topic: String, group: String, consumer: String, max: Int, wait: Duration) async throws -> [Delivery<Message>]

    /// Marks deliveries done: they will never be delivered to `group` again.
    func ack(_ ids: [DeliveryID], topic: String, group: String) async throws

    /// Takes over messages that another consumer of `group` has held unacked for at least
    /// `minIdle` (it died or hangs). Their delivery count grows; past the broker's limit they
    /// go to the dead-letter topic instead and are not returned.
    func reclaim(from topic: String, group: String, consumer: String, minIdle: Duration, max: Int) async throws -> [Delivery<Message>]

    /// Moves a delivery to `topic`'s dead-letter topic with the error that stopped it, and acks it.
    func deadLetter(_ delivery: Delivery<Message>, topic: String, group: String, error: String) async throws

    /// Queue depth, pending (delivered, unacked), consumers and lag of `topic` for `group`.
    func stats(topic: String, group: String) async throws -> TopicStats

    /// Up to `max` dead letters of `topic` stored after the dead letter `after` (nil: from the
    /// oldest), oldest first. Letters whose message cannot be decoded are left out.
    func deadLetters(topic: String, after: DeliveryID?, max: Int) async throws -> [DeadLetter<Message>]
}


/// A broker-assigned message id, unique within a topic (Redis Streams: "1700000000000-0").
public struct DeliveryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
    public static func < (a: DeliveryID, b: DeliveryID) -> Bool { a.value < b.value }
}

/// A message handed to a consumer: its id, the message, and how often it has been delivered.
public struct Delivery<Message: Sendable>: Sendable {
    public var id: DeliveryID
    public var message: Message
    /// 1 on first delivery; more after redelivery.
    public var deliveryCount: Int
    public init(id: DeliveryID, message: Message, deliveryCount: Int) {
        self.id = id
        self.message = message
        self.deliveryCount = deliveryCount
    }
}

/// The state of one topic as one consumer group sees it.
public struct TopicStats: Sendable, Equatable {
    /// Messages stored in the topic.
    public var length: Int
    /// Delivered to the group and not yet acked.
    public var pending: Int
    /// Consumers of the group seen so far.
    public var consumers: Int
    /// Messages not yet delivered to the group.
    public var lag: Int
    /// Messages in the dead-letter topic.
    public var deadLetters: Int
    public init(length: Int = 0, pending: Int = 0, consumers: Int = 0, lag: Int = 0, deadLetters: Int = 0) {
        self.length = length
        self.pending = pending
        self.consumers = consumers
        self.lag = lag
        self.deadLetters = deadLetters
    }
}

/// Errors every broker reports the same way.
public enum BrokerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker was shut down.
    case closed
    /// An id that the topic does not hold (already acked, or never delivered).
    case unknownDelivery(topic: String, id: DeliveryID)
    /// The connection to a networked broker failed.
    case connection(String)
    /// A message could not be encoded or decoded.
    case codec(String)

    public var description: String {
        switch self {
        case .closed: "broker closed"
        case let .unknownDelivery(topic, id): "topic \(topic) holds no pending delivery \(id)"
        case let .connection(m): "broker connection: \(m)"
        case let .codec(m): "broker message codec: \(m)"
        }
    }
}

/// A message that a consumer group gave up on, as stored in the topic's dead-letter topic.
public struct DeadLetter<Message: Sendable>: Sendable {
    /// Its id in the dead-letter topic.
    public var id: DeliveryID
    /// Its id in the topic it came from.
    public var originalID: DeliveryID
    public var message: Message
    /// The consumer group that gave up on it.
    public var group: String
    /// Why: the error passed to `deadLetter`, or the delivery limit that `reclaim` hit.
    public var error: String
    /// How often the group had been handed the message.
    public var deliveryCount: Int

    public init(id: DeliveryID, originalID: DeliveryID, message: Message, group: String, error: String, deliveryCount: Int) {
        self.id = id
        self.originalID = originalID
        self.message = message
        self.group = group
        self.error = error
        self.deliveryCount = deliveryCount
    }
}

