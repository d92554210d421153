import FramewiseCore

/// How one consumer takes messages from a topic: first what dead consumers held unacked for
/// `reclaimAfter` (checked at most every 5 s), else new messages. Shared by stage workers and
/// distributed decoders.
struct ConsumerCursor<Message: Sendable> {
    let broker: any Broker<Message>
    let topic: String
    let group: String
    let consumer: String
    /// nil: never reclaim (one process cannot lose a consumer).
    let reclaimAfter: Duration?
    private var nextReclaim = ContinuousClock.now

    init(broker: any Broker<Message>, topic: String, group: String, consumer: String, reclaimAfter: Duration?) {
        self.broker = broker
        self.topic = topic
        self.group = group
        self.consumer = consumer
        self.reclaimAfter = reclaimAfter
    }

    /// Up to `max` deliveries, waiting at most `wait` for new ones. Throws the broker's errors.
    mutating func next(max: Int, wait: Duration) async throws -> [Delivery<Message>] {
        if let after = reclaimAfter, ContinuousClock.now >= nextReclaim {
            nextReclaim = .now + min(after, .seconds(5))
            let reclaimed = try await broker.reclaim(from: topic, group: group, consumer: consumer, minIdle: after, max: max)
            if !reclaimed.isEmpty { return reclaimed }
        }
        return try await broker.consume(from: topic, group: group, consumer: consumer, max: max, wait: wait)
    }
}
