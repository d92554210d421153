import FramewiseCore

/// Everything an `InProcessBroker` holds, behind its one lock. Methods mutate and return the
/// continuations to resume, which the broker resumes after unlocking.
struct InProcessBrokerState<Message: Sendable> {
    let configuration: InProcessBrokerConfiguration
    var topics: [String: TopicLog<Message>] = [:]
    var closed = false

    init(configuration: InProcessBrokerConfiguration) { self.configuration = configuration }

    func checkOpen() throws(BrokerError) {
        if closed { throw .closed }
    }

    /// The topic, created on first use.
    mutating func topic(_ name: String) -> TopicLog<Message> {
        if let existing = topics[name] { return existing }
        let created = TopicLog<Message>(bound: Swift.max(1, configuration.topicBounds[name] ?? configuration.bound))
        topics[name] = created
        return created
    }

    /// Moves settled messages into `<topic>.dead`, ignoring its bound (dead-lettering never waits).
    mutating func bury(_ letters: [(message: Message, info: DeadLetterInfo)], from topic: String) -> [BrokerWakeup<Message>] {
        guard !letters.isEmpty else { return [] }
        let dead = self.topic(InProcessBroker<Message>.deadLetterTopic(of: topic))
        let first = dead.append(letters.lazy.map(\.message))
        for (offset, letter) in letters.enumerated() { dead.deadInfo[first + UInt64(offset)] = letter.info }
        return dead.serveConsumers(now: configuration.now())
    }

    mutating func reclaim(
        topic name: String, group groupName: String, consumer: String, minIdle: Duration, max: Int
    ) -> ([Delivery<Message>], [BrokerWakeup<Message>]) {
        guard max > 0, let topic = topics[name], let group = topic.groups[groupName] else { return ([], []) }
        group.consumers.insert(consumer)
        let now = configuration.now()
        var out: [Delivery<Message>] = []
        var letters: [(message: Message, info: DeadLetterInfo)] = []
        for sequence in group.idle(at: now, minIdle: minIdle) {
            guard out.count < max else { break }
            guard let entry = group.pending[sequence], let message = topic.message(at: sequence) else { continue }
            let id = DeliveryID(sequence: sequence)
            if entry.count >= configuration.maxDeliveries {
                let reason = "delivered \(entry.count) times to group \(groupName) without an ack (limit \(configuration.maxDeliveries)); last consumer \(entry.consumer)"
                letters.append((message, DeadLetterInfo(originalID: id, group: groupName, error: reason, deliveryCount: entry.count)))
                topic.settle(sequence, in: group)
            } else {
                group.pending[sequence] = .init(consumer: consumer, deliveredAt: now, count: entry.count + 1)
                out.append(Delivery(id: id, message: message, deliveryCount: entry.count + 1))
            }
        }
        guard !letters.isEmpty else { return (out, []) }
        let wakeups = topic.afterRelease(of: group, now: now) + bury(letters, from: name)
        return (out, wakeups)
    }

    mutating func deadLetter(
        _ delivery: Delivery<Message>, topic name: String, group groupName: String, error: String
    ) throws(BrokerError) -> [BrokerWakeup<Message>] {
        guard let sequence = delivery.id.sequence else { throw .unknownDelivery(topic: name, id: delivery.id) }
        guard let topic = topics[name], let group = topic.groups[groupName],
              let entry = group.pending[sequence] else { return [] }
        let message = topic.message(at: sequence) ?? delivery.message
        topic.settle(sequence, in: group)
        let info = DeadLetterInfo(originalID: delivery.id, group: groupName, error: error, deliveryCount: entry.count)
        return topic.afterRelease(of: group, now: configuration.now()) + bury([(message, info)], from: name)
    }

    func deadLetters(of name: String) -> [DeadLetter<Message>] {
        guard let dead = topics[InProcessBroker<Message>.deadLetterTopic(of: name)] else { return [] }
        return dead.liveEntries().compactMap { sequence, message in
            guard let info = dead.deadInfo[sequence] else { return nil }
            return DeadLetter(id: DeliveryID(sequence: sequence), originalID: info.originalID, message: message,
                              group: info.group, error: info.error, deliveryCount: info.deliveryCount)
        }
    }

    func stats(topic name: String, group groupName: String) -> TopicStats {
        let dead = topics[InProcessBroker<Message>.deadLetterTopic(of: name)]?.live ?? 0
        guard let topic = topics[name] else { return TopicStats(deadLetters: dead) }
        guard let group = topic.groups[groupName] else {
            return TopicStats(length: topic.live, lag: topic.live, deadLetters: dead)
        }
        return TopicStats(length: topic.live, pending: group.pendingCount, consumers: group.consumers.count,
                          lag: group.undelivered, deadLetters: dead)
    }

    mutating func close() -> [BrokerWakeup<Message>] {
        closed = true
        return topics.values.flatMap { $0.failAll(BrokerError.closed) }
    }
}
