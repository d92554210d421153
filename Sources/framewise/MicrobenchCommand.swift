import FramewiseCore
import ArgumentParser
import FramewiseRedis
import FramewiseRuntime
import Foundation

/// `framewise microbench`: the batcher's cost per request and the in-process broker's messages per second.
struct MicrobenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microbench", abstract: "Measure the adaptive batcher's overhead and the in-process broker's throughput.")

    @Option(help: "Requests through the batcher.") var requests = 1_000_000
    @Option(help: "Messages through the broker.") var messages = 2_000_000
    @Option(help: "Broker batch size (publish, consume and ack in batches of this many).") var batch = 256
    @Option(help: "Repeat and keep the best.") var repeats = 3
    @Option(help: "Also measure the Redis Streams broker on this server (redis://host:port), raw and through the Broker protocol.")
    var redis: String?
    @Option(name: .customLong("redis-messages"), help: "Messages through Redis.") var redisMessages = 200_000

    func run() async throws {
        var stateMachine = Duration.seconds(1), driver = Duration.seconds(1)
        var broker = 0.0
        for _ in 0..<max(1, repeats) {
            stateMachine = min(stateMachine, BatcherBenchmark.overheadPerRequest(requests: requests))
            driver = min(driver, await BatcherBenchmark.driverOverheadPerRequest(requests: max(1, requests / 10)))
            broker = max(broker, await BrokerBenchmark.messagesPerSecond(messages: messages, batch: batch))
        }
        func us(_ d: Duration) -> Double { d.seconds * 1e6 }
        print(String(format: "adaptive batcher state machine: %.3f us per request (enqueue + fire)", us(stateMachine)))
        print(String(format: "adaptive batcher driver (async, no-op batches): %.3f us per request", us(driver)))
        print(String(format: "in-process broker: %.2f M messages/s (publish + consume + ack, batches of %d)", broker / 1e6, batch))
        if let redis { try await redisFigures(redis) }
    }

    /// Raw pipelined XADD/XREADGROUP/XACK, and the `RedisStreamsBroker` (bounded publish script,
    /// consume, ack with trim) at batch sizes 1, 10 and 100.
    func redisFigures(_ url: String) async throws {
        for b in [1, 10, 100] {
            let n = b == 1 ? min(redisMessages, 20_000) : redisMessages
            var raw = 0.0, brokered = 0.0
            for _ in 0..<max(1, repeats) {
                raw = max(raw, try await RedisBenchmark.messagesPerSecond(url: url, messages: n, batch: b))
                let config = try RedisStreamsBrokerConfiguration(url: url, keyPrefix: "framewise-bench-\(UUID().uuidString.prefix(8))", maxLength: 10_000)
                let broker = RedisStreamsBroker<FrameMessage>(configuration: config)
                try await broker.createGroup(topic: "bench", group: "g")
                brokered = max(brokered, await BrokerBenchmark.messagesPerSecond(broker: broker, topic: "bench", messages: n, batch: b))
                await broker.shutdown()
                let connection = try await RedisConnection.connect(to: config.connection)
                _ = try? await connection.send(RESPCommand("DEL", config.streamKey("bench")))
                await connection.close()
            }
            print(String(format: "redis, batches of %3d: raw streams %8.0f messages/s; RedisStreamsBroker %8.0f messages/s", b, raw, brokered))
        }
    }
}
