import FramewiseCore
import FramewiseRedis
import Testing

@Suite("Redis Streams broker against redis-server")
struct RedisStreamsBrokerTests {
    @Test("publish, consume, ack round trip")
    func roundTrip() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        try await broker.createGroup(topic: "detect", group: "workers")
        let ids = try await broker.publish(frames(0..<5), to: "detect")
        #expect(ids.count == 5 && ids == ids.sorted())

        let got = try await broker.consume(from: "detect", group: "workers", consumer: "c1", max: 10, wait: .milliseconds(100))
        #expect(got.map(\.message) == frames(0..<5))
        #expect(got.map(\.id) == ids && got.allSatisfy { $0.deliveryCount == 1 })
        var stats = try await broker.stats(topic: "detect", group: "workers")
        #expect(stats == TopicStats(length: 5, pending: 5, consumers: 1, lag: 0, deadLetters: 0))

        try await broker.ack(got.map(\.id), topic: "detect", group: "workers")
        stats = try await broker.stats(topic: "detect", group: "workers")
        // Acked by the only group: trimmed.
        #expect(stats == TopicStats(length: 0, pending: 0, consumers: 1, lag: 0, deadLetters: 0))
        await #expect(throws: BrokerError.unknownDelivery(topic: "detect", id: ids[0])) {
            try await broker.ack([ids[0]], topic: "detect", group: "workers")
        }
        await broker.shutdown()
    }

    @Test("two consumers of one group split the messages")
    func twoConsumersSplit() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        try await broker.createGroup(topic: "t", group: "g")
        try await broker.publish(frames(0..<10), to: "t")
        let a = try await broker.consume(from: "t", group: "g", consumer: "a", max: 4, wait: .zero)
        let b = try await broker.consume(from: "t", group: "g", consumer: "b", max: 10, wait: .zero)
        #expect(a.count == 4 && b.count == 6)
        #expect(Set(a.map(\.message)).isDisjoint(with: b.map(\.message)))
        #expect(Set(a.map(\.message) + b.map(\.message)) == Set(frames(0..<10)))
        let stats = try await broker.stats(topic: "t", group: "g")
        #expect(stats.consumers == 2 && stats.pending == 10)
        await broker.shutdown()
    }

    @Test("two groups each see every message; trimming waits for both")
    func twoGroups() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        try await broker.createGroup(topic: "t", group: "index")
        try await broker.createGroup(topic: "t", group: "classify")
        try await broker.publish(frames(0..<6), to: "t")
        let one = try await broker.consume(from: "t", group: "index", consumer: "x", max: 10, wait: .zero)
        let two = try await broker.consume(from: "t", group: "classify", consumer: "y", max: 10, wait: .zero)
        #expect(one.map(\.message) == frames(0..<6) && two.map(\.message) == frames(0..<6))
        try await broker.ack(one.map(\.id), topic: "t", group: "index")
        #expect(try await broker.stats(topic: "t", group: "index").length == 6)
        try await broker.ack(two.prefix(4).map(\.id), topic: "t", group: "classify")
        #expect(try await broker.stats(topic: "t", group: "classify") == TopicStats(length: 2, pending: 2, consumers: 1, lag: 0))
        await broker.shutdown()
    }

    @Test("consume with a wait returns [] on time-out, and wakes up for a publish")
    func waitTimesOut() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker(blockTimeout: .milliseconds(100))
        let clock = ContinuousClock()
        let start = clock.now
        let none = try await broker.consume(from: "t", group: "g", consumer: "c", max: 5, wait: .milliseconds(350))
        let waited = start.duration(to: clock.now)
        #expect(none.isEmpty)
        #expect(waited >= .milliseconds(300) && waited < .seconds(30))

        async let later: [DeliveryID] = {
            try await Task.sleep(for: .milliseconds(150))
            return try await broker.publish(frames(0..<1), to: "t")
        }()
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 5, wait: .seconds(30))
        #expect(got.map(\.id) == (try await later))
        await broker.shutdown()
    }

    @Test("reclaim after minIdle hands the message to another consumer with deliveryCount 2")
    func reclaim() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        try await broker.createGroup(topic: "t", group: "g")
        try await broker.publish(frames(0..<2), to: "t")
        let dead = try await broker.consume(from: "t", group: "g", consumer: "dies", max: 2, wait: .zero)
        #expect(dead.count == 2)
        // Not idle long enough yet.
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "rescuer", minIdle: .seconds(120), max: 10).isEmpty)
        try await Task.sleep(for: .milliseconds(120))
        let taken = try await broker.reclaim(from: "t", group: "g", consumer: "rescuer", minIdle: .milliseconds(100), max: 10)
        #expect(taken.map(\.message) == frames(0..<2))
        #expect(taken.allSatisfy { $0.deliveryCount == 2 })
        try await broker.ack(taken.map(\.id), topic: "t", group: "g")
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 0, pending: 0, consumers: 2, lag: 0))
        await broker.shutdown()
    }

    @Test("past maxDeliveries a message goes to the dead-letter stream with its error, not to a consumer")
    func maxDeliveries() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker(maxDeliveries: 2)
        try await broker.createGroup(topic: "t", group: "g")
        let ids = try await broker.publish(frames(0..<1), to: "t")
        #expect(try await broker.consume(from: "t", group: "g", consumer: "a", max: 1, wait: .zero).first?.deliveryCount == 1)
        try await Task.sleep(for: .milliseconds(30))
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .milliseconds(20), max: 5).first?.deliveryCount == 2)
        try await Task.sleep(for: .milliseconds(30))
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "c", minIdle: .milliseconds(20), max: 5).isEmpty)

        let stats = try await broker.stats(topic: "t", group: "g")
        #expect(stats.deadLetters == 1 && stats.pending == 0 && stats.length == 0)
        let letters = try await broker.deadLetters(topic: "t")
        #expect(letters.count == 1)
        #expect(letters.first?.id == ids[0] && letters.first?.deliveryCount == 3 && letters.first?.group == "g")
        #expect(letters.first?.message == FrameMessage(video: "v1", frame: 0))
        #expect(letters.first?.error == "delivered 3 times, more than maxDeliveries 2")
        await broker.shutdown()
    }

    @Test("deadLetter moves a delivery with the consumer's error and acks it")
    func explicitDeadLetter() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        try await broker.createGroup(topic: "t", group: "g")
        try await broker.publish(frames(0..<2), to: "t")
        let got = try await broker.consume(from: "t", group: "g", consumer: "a", max: 2, wait: .zero)
        try await broker.deadLetter(got[0], topic: "t", group: "g", error: "decode failed: corrupt frame 0")
        let letters = try await broker.deadLetters(topic: "t")
        #expect(letters.map(\.error) == ["decode failed: corrupt frame 0"] && letters.first?.deliveryCount == 1)
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 1, pending: 1, consumers: 1, lag: 0, deadLetters: 1))
        await #expect(throws: BrokerError.unknownDelivery(topic: "t", id: got[0].id)) {
            try await broker.deadLetter(got[0], topic: "t", group: "g", error: "again")
        }
        await broker.shutdown()
    }

    @Test("the broker rides out a server restart; with AOF, unacked messages survive and are redelivered")
    func serverRestart() async throws {
        let server = try await RedisServerFixture.start(appendOnly: true)
        let broker = server.broker()
        try await broker.createGroup(topic: "t", group: "g")
        try await broker.publish(frames(0..<4), to: "t")
        let held = try await broker.consume(from: "t", group: "g", consumer: "a", max: 2, wait: .zero)
        try await broker.ack([held[0].id], topic: "t", group: "g")
        try await server.restart()

        // The pooled connections died with the server; the broker reconnects on its own.
        let rest = try await broker.consume(from: "t", group: "g", consumer: "a", max: 10, wait: .zero)
        #expect(rest.map(\.message) == frames(2..<4))
        try await Task.sleep(for: .milliseconds(30))
        let again = try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .milliseconds(20), max: 10)
        #expect(again.map(\.message) == [frames(0..<4)[1]] + frames(2..<4) && again.first?.deliveryCount == 2)
        await broker.shutdown()
        await server.stop()
    }

    @Test("stats of a topic nobody used are zero")
    func emptyStats() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker()
        #expect(try await broker.stats(topic: "nothing", group: "g") == TopicStats())
        await broker.shutdown()
    }
}
