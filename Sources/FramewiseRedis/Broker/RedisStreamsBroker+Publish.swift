import FramewiseCore
import NIOCore

extension RedisStreamsBroker {
    /// Most messages sent in one script call.
    static var publishChunk: Int { 512 }

    /// Appends `messages` to the topic's stream (`XADD` inside the bounded-publish script),
    /// suspending while the stream is at `maxLength` until consumers ack. Ids come back in order.
    @discardableResult
    public func publish(_ messages: [Message], to topic: String) async throws -> [DeliveryID] {
        let payloads = try messages.map(encode)
        let key = configuration.streamKey(topic)
        var ids: [DeliveryID] = []
        ids.reserveCapacity(payloads.count)
        var next = 0
        var room: Int? = nil
        var waits = 0
        while next < payloads.count {
            try Task.checkCancellation()
            let count = min(room ?? Self.publishChunk, Self.publishChunk, payloads.count - next)
            if count == 0 {
                try await Task.sleep(for: configuration.publishBackoff.delay(attempt: waits))
                waits += 1
            }
            let arguments: [any RESPArgument] = [RedisStreamsScripts.publish, 1, key, configuration.maxLength]
                + payloads[next..<(next + count)].map { $0 as any RESPArgument }
            let reply = try await run { connection in
                try await connection.send(RESPCommand("EVAL", arguments: arguments))
            }
            guard let parts = reply.array, let left = parts.first?.int else {
                throw BrokerError.connection(RedisError.unexpectedReply(command: "EVAL publish", reply: "\(reply)").description)
            }
            let added = parts.dropFirst().compactMap(\.string).map(DeliveryID.init)
            ids += added
            next += added.count
            room = left
            if !added.isEmpty { waits = 0 }
        }
        return ids
    }
}
