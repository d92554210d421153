import FramewiseCore
import Foundation
import NIOCore

/// Raw Redis Streams throughput: how many messages per second go through
/// `XADD` (pipelined in batches) -> `XREADGROUP COUNT batch` -> `XACK` on one server.
///
/// A producer and a consumer run concurrently on two connections; the clock stops when the
/// consumer has acked the last message. Uses (and deletes) a `framewise:bench:<uuid>` stream.
public enum RedisBenchmark {
    /// Messages per second for `messages` small (about 100 bytes) JSON messages moved in batches of `batch`.
    public static func messagesPerSecond(url: String, messages: Int, batch: Int) async throws -> Double {
        let configuration = try RedisConnectionConfiguration(url: url)
        let producer = try await RedisConnection.connect(to: configuration)
        let consumer = try await RedisConnection.connect(to: configuration)
        do {
            let rate = try await run(producer: producer, consumer: consumer, messages: messages, batch: batch)
            await producer.close()
            await consumer.close()
            return rate
        } catch {
            await producer.close()
            await consumer.close()
            throw error
        }
    }

    private static func run(producer: RedisConnection, consumer: RedisConnection, messages: Int, batch: Int) async throws -> Double {
        let key = "framewise:bench:\(UUID().uuidString)"
        let batch = max(1, batch)
        try await producer.send(RESPCommand("XGROUP", "CREATE", key, "bench", "0", "MKSTREAM"))
        let payload = ByteBuffer(string: #"{"video":"v-000001","frames":[1,2,3,4],"deadline":1700000000.5,"stage":"detect"}"#)

        let clock = ContinuousClock()
        let start = clock.now
        async let produced: Void = {
            var sent = 0
            while sent < messages {
                let n = min(batch, messages - sent)
                let commands = (0..<n).map { _ in RESPCommand("XADD", key, "*", "m", payload) }
                let replies = try await producer.pipeline(commands)
                if let error = replies.first(where: { $0.errorMessage != nil }) {
                    throw RedisError.server(command: "XADD", message: error.errorMessage ?? "")
                }
                sent += n
            }
        }()
        var received = 0
        while received < messages {
            let reply = try await consumer.send(
                RESPCommand("XREADGROUP", "GROUP", "bench", "c", "COUNT", batch, "BLOCK", 1000, "STREAMS", key, ">"),
                timeout: .seconds(5)
            )
            let ids = try RedisStreamEntry.fromReadGroup(reply).map { $0.id as any RESPArgument }
            guard !ids.isEmpty else { continue }
            try await consumer.send(RESPCommand("XACK", arguments: [key, "bench"] + ids))
            received += ids.count
        }
        try await produced
        let elapsed = start.duration(to: clock.now)
        try await producer.send(RESPCommand("DEL", key))
        return Double(messages) / elapsed.seconds
    }
}
