import FramewiseCore

/// A message that a consumer group gave up on, as stored in the topic's dead-letter topic.
public struct DeadLetter<Message: Sendable>: Sendable {
    /// Its id in the dead-letter topic (`<topic>.dead`).
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

/// What a dead-letter topic stores beside each message (the message itself is in the log).
struct DeadLetterInfo: Sendable {
    var originalID: DeliveryID
    var group: String
    var error: String
    var deliveryCount: Int
}
