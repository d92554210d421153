import FramewiseRedis
import Testing

@Suite("Redis Streams throughput")
struct RedisBenchmarkTests {
    /// Speed is recorded in bench/RESULTS.md (`framewise microbench --redis`); here only that every
    /// message makes the round trip and a rate comes out.
    @Test("pipelined XADD + XREADGROUP + XACK moves every message")
    func throughput() async throws {
        let server = try await RedisServerFixture.start()
        for batch in [1, 100] {
            let messages = batch == 1 ? 1_000 : 10_000
            let rate = try await RedisBenchmark.messagesPerSecond(url: server.url, messages: messages, batch: batch)
            print("RedisBenchmark: \(messages) messages, batch \(batch): \(Int(rate)) messages/s")
            #expect(rate > 0 && rate.isFinite)
        }
    }
}
