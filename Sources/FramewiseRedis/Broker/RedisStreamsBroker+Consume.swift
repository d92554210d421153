import FramewiseCore
import NIOCore

extension RedisStreamsBroker {
    /// `XREADGROUP GROUP group consumer COUNT max BLOCK ms STREAMS key >`, creating the group
    /// first if needed. Waits up to `wait` in slices of at most `blockTimeout`; `.zero` does not
    /// block. Entries whose payload cannot be decoded are dead-lettered, not returned.
    public func consume(from topic: String, group: String, consumer: String, max: Int, wait: Duration) async throws -> [Delivery<Message>] {
        let key = configuration.streamKey(topic)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while true {
            let remaining = clock.now.duration(to: deadline)
            let block = min(remaining, configuration.blockTimeout)
            var arguments: [any RESPArgument] = ["GROUP", group, consumer, "COUNT", Swift.max(1, max)]
            if block > .zero { arguments += ["BLOCK", block.redisMilliseconds] }
            arguments += ["STREAMS", key, ">"]
            let command = RESPCommand("XREADGROUP", arguments: arguments)
            let entries = try await run { connection in
                try await self.ensureGroup(topic: topic, group: group, on: connection)
                do {
                    let reply = try await connection.send(command, timeout: block + connection.configuration.commandTimeout)
                    return try RedisStreamEntry.fromReadGroup(reply)
                } catch let error as RedisError where error.serverErrorCode == "NOGROUP" {
                    // The stream or group was deleted under us: make it again and come back empty.
                    try await self.recreateGroup(topic: topic, group: group, on: connection, after: "XREADGROUP")
                    return []
                }
            }
            let deliveries = try await deliveries(of: entries, topic: topic, group: group) { _ in 1 }
            if !deliveries.isEmpty || clock.now >= deadline { return deliveries }
            try Task.checkCancellation()
        }
    }

    /// Decodes `entries`; undecodable ones go to the dead-letter stream.
    func deliveries(
        of entries: [RedisStreamEntry], topic: String, group: String, count: (String) -> Int
    ) async throws -> [Delivery<Message>] {
        var out: [Delivery<Message>] = []
        out.reserveCapacity(entries.count)
        for entry in entries {
            do {
                out.append(Delivery(id: DeliveryID(entry.id), message: try decode(entry.payload), deliveryCount: count(entry.id)))
            } catch {
                logger.warning("redis broker dead-letters an undecodable entry", metadata: ["id": "\(entry.id)", "error": "\(error)"])
                _ = try await deadLetter(id: entry.id, topic: topic, group: group, error: error.description)
            }
        }
        return out
    }

    /// `XACK` of every id (one script call), then trims entries every group has acked.
    /// Throws `BrokerError.unknownDelivery` naming the first id that was not pending (the
    /// others are acked all the same).
    public func ack(_ ids: [DeliveryID], topic: String, group: String) async throws {
        guard !ids.isEmpty else { return }
        let key = configuration.streamKey(topic)
        let arguments: [any RESPArgument] = [RedisStreamsScripts.ack, 1, key, group] + ids.map { $0.value as any RESPArgument }
        let reply = try await run { connection in
            do {
                return try await connection.send(RESPCommand("EVAL", arguments: arguments))
            } catch let error as RedisError where error.serverErrorCode == "NOGROUP" {
                return RESPValue.array(ids.map { _ in .integer(0) })
            }
        }
        guard let results = reply.array, results.count == ids.count else {
            throw BrokerError.connection(RedisError.unexpectedReply(command: "EVAL ack", reply: "\(reply)").description)
        }
        if let index = results.firstIndex(where: { $0.int != 1 }) {
            throw BrokerError.unknownDelivery(topic: topic, id: ids[index])
        }
    }
}
