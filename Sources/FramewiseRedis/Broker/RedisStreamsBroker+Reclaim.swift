import FramewiseCore
import NIOCore

extension RedisStreamsBroker {
    /// `XAUTOCLAIM key group consumer minIdle 0-0 COUNT max`, then `XPENDING` for the delivery
    /// counts (the claim counts as a delivery). Entries delivered more than `maxDeliveries`
    /// times are dead-lettered (with the error "delivered N times, more than maxDeliveries M")
    /// and not returned.
    public func reclaim(from topic: String, group: String, consumer: String, minIdle: Duration, max: Int) async throws -> [Delivery<Message>] {
        let key = configuration.streamKey(topic)
        let limit = Swift.max(1, max)
        let (entries, counts) = try await run { connection in
            try await self.ensureGroup(topic: topic, group: group, on: connection)
            let claimed: RESPValue
            do {
                claimed = try await connection.send(RESPCommand("XAUTOCLAIM", key, group, consumer, minIdle.redisMilliseconds, "0-0", "COUNT", limit))
            } catch let error as RedisError where error.serverErrorCode == "NOGROUP" {
                // Nothing can be pending in a group that vanished: make it again.
                try await self.recreateGroup(topic: topic, group: group, on: connection, after: "XAUTOCLAIM")
                return ([RedisStreamEntry](), [String: Int]())
            }
            guard let parts = claimed.array, parts.count >= 2, let list = parts[1].array else {
                throw RedisError.unexpectedReply(command: "XAUTOCLAIM", reply: "\(claimed)")
            }
            let entries = list.compactMap(RedisStreamEntry.init)
            guard let first = entries.first?.id, let last = entries.last?.id else { return ([RedisStreamEntry](), [String: Int]()) }
            let pending = try await connection.send(RESPCommand("XPENDING", key, group, first, last, entries.count * 2 + 16, consumer))
            var counts: [String: Int] = [:]
            for row in pending.array ?? [] {
                if let fields = row.array, fields.count == 4, let id = fields[0].string, let n = fields[3].int { counts[id] = n }
            }
            return (entries, counts)
        }
        // An entry missing from our XPENDING was claimed again by someone else meanwhile.
        let ours = entries.filter { counts[$0.id] != nil }
        var keep: [RedisStreamEntry] = []
        for entry in ours {
            let delivered = counts[entry.id] ?? 1
            if delivered > configuration.maxDeliveries {
                let reason = "delivered \(delivered) times, more than maxDeliveries \(configuration.maxDeliveries)"
                _ = try await deadLetter(id: entry.id, topic: topic, group: group, error: reason)
            } else {
                keep.append(entry)
            }
        }
        return try await deliveries(of: keep, topic: topic, group: group) { counts[$0] ?? 1 }
    }

    /// Copies the delivery's entry (original payload, `error`, delivery count) to
    /// `<prefix>:<topic>:dead` and acks it, atomically. Throws `unknownDelivery` when it is not pending.
    public func deadLetter(_ delivery: Delivery<Message>, topic: String, group: String, error: String) async throws {
        guard try await deadLetter(id: delivery.id.value, topic: topic, group: group, error: error) else {
            throw BrokerError.unknownDelivery(topic: topic, id: delivery.id)
        }
    }

    /// Runs the dead-letter script; false when the id was not pending.
    func deadLetter(id: String, topic: String, group: String, error: String) async throws -> Bool {
        let command = RESPCommand(
            "EVAL", RedisStreamsScripts.deadLetter, 2, configuration.streamKey(topic), configuration.deadLetterKey(topic),
            group, id, error, topic, configuration.deadLetterMaxLength ?? 0
        )
        let reply = try await run { connection in
            do {
                return try await connection.send(command)
            } catch let error as RedisError where error.serverErrorCode == "NOGROUP" {
                return RESPValue.integer(0)
            }
        }
        return (reply.int ?? 0) > 0
    }

    public func deadLetters(topic: String, after: DeliveryID?, max: Int) async throws -> [DeadLetter<Message>] {
        let start = after.map { "(" + $0.value } ?? "-"
        let reply = try await run { connection in
            try await connection.send(RESPCommand("XRANGE", self.configuration.deadLetterKey(topic), start, "+", "COUNT", Swift.max(1, max)))
        }
        return (reply.array ?? []).compactMap(RedisStreamEntry.init).compactMap { entry in
            guard let message = try? decode(entry.payload) else { return nil }
            return DeadLetter(id: DeliveryID(entry.id), originalID: DeliveryID(entry.fields["id"]?.string ?? ""), message: message,
                              group: entry.fields["group"]?.string ?? "", error: entry.fields["error"]?.string ?? "",
                              deliveryCount: entry.fields["deliveries"]?.int ?? 0)
        }
    }

    /// The dead letters of `topic`, oldest first: original id, error, delivery count and message
    /// (nil when it cannot be decoded).
    public func deadLetters(topic: String, max: Int = 100) async throws -> [RedisDeadLetter<Message>] {
        let reply = try await run { connection in
            try await connection.send(RESPCommand("XRANGE", self.configuration.deadLetterKey(topic), "-", "+", "COUNT", max))
        }
        return (reply.array ?? []).compactMap(RedisStreamEntry.init).map { entry in
            RedisDeadLetter(
                id: DeliveryID(entry.fields["id"]?.string ?? ""),
                error: entry.fields["error"]?.string ?? "",
                deliveryCount: entry.fields["deliveries"]?.int ?? 0,
                group: entry.fields["group"]?.string ?? "",
                message: try? decode(entry.payload)
            )
        }
    }
}

/// A message in a topic's dead-letter stream.
public struct RedisDeadLetter<Message: Sendable>: Sendable {
    /// Its id in the topic.
    public var id: DeliveryID
    /// Why it was given up.
    public var error: String
    /// How often it had been delivered.
    public var deliveryCount: Int
    /// The consumer group that gave it up.
    public var group: String
    /// The message, or nil when its payload could not be decoded.
    public var message: Message?
}
