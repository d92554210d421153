import FramewiseCore
import NIOCore

extension RedisStreamsBroker {
    /// Every topic with a stream under this broker's key prefix (dead-letter streams left out), sorted.
    public func topics() async throws -> [String] {
        let prefix = configuration.streamKey("")
        var cursor = "0"
        var found = Set<String>()
        repeat {
            let reply = try await run { connection in
                try await connection.send(RESPCommand("SCAN", cursor, "MATCH", prefix + "*", "COUNT", 1000, "TYPE", "stream"))
            }
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw BrokerError.connection(RedisError.unexpectedReply(command: "SCAN", reply: "\(reply)").description)
            }
            cursor = next
            for key in (parts[1].array ?? []).compactMap(\.string) where !key.hasSuffix(":dead") {
                found.insert(String(key.dropFirst(prefix.count)))
            }
        } while cursor != "0"
        return found.sorted()
    }
}

