import FramewiseCore
import NIOCore

extension RedisStreamsBroker {
    /// `XLEN` of the stream and of its dead-letter stream, and the group's `pending`, `consumers`
    /// and `lag` from `XINFO GROUPS` (lag counted with `XRANGE` when Redis cannot tell it).
    public func stats(topic: String, group: String) async throws -> TopicStats {
        let key = configuration.streamKey(topic)
        return try await run { connection in
            let replies = try await connection.pipeline([
                RESPCommand("XLEN", key),
                RESPCommand("XINFO", "GROUPS", key),
                RESPCommand("XLEN", self.configuration.deadLetterKey(topic)),
            ])
            var stats = TopicStats(length: replies[0].int ?? 0, deadLetters: replies[2].int ?? 0)
            let groups = (replies[1].array ?? []).compactMap(\.fields)
            guard let info = groups.first(where: { $0["name"]?.string == group }) else {
                stats.lag = stats.length
                return stats
            }
            stats.pending = info["pending"]?.int ?? 0
            stats.consumers = info["consumers"]?.int ?? 0
            if let lag = info["lag"]?.int {
                stats.lag = lag
            } else if let last = info["last-delivered-id"]?.string {
                let rest = try await connection.send(RESPCommand("XRANGE", key, "(" + last, "+"))
                stats.lag = rest.array?.count ?? 0
            }
            return stats
        }
    }
}
