import FramewiseCore

/// What a dead-letter topic stores beside each message (the message itself is in the log).
struct DeadLetterInfo: Sendable {
    var originalID: DeliveryID
    var group: String
    var error: String
    var deliveryCount: Int
}
