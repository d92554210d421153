import FramewiseCore
import FramewiseRuntime
import Testing

/// Reclaim of idle deliveries, the delivery limit and dead letters, on a manual clock.
@Suite struct InProcessBrokerRedeliveryTests {
    @Test func reclaimHandsIdleMessagesToAnotherConsumer() async throws {
        let time = ManualTime()
        let broker = makeBroker(String.self, time: time)
        try await broker.publish(["v1"], to: "t")
        _ = try await broker.consume(from: "t", group: "g", consumer: "dead-worker", max: 1, wait: .zero)
        time.advance(by: .seconds(5))
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .seconds(10), max: 10).isEmpty)
        time.advance(by: .seconds(5))
        let taken = try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .seconds(10), max: 10)
        #expect(taken.map(\.message) == ["v1"] && taken.map(\.deliveryCount) == [2])
        // Just reclaimed: not idle again yet.
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "c", minIdle: .seconds(10), max: 10).isEmpty)
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 1, pending: 1, consumers: 3, lag: 0))
        try await broker.ack(taken.map(\.id), topic: "t", group: "g")
        #expect(try await broker.stats(topic: "t", group: "g").length == 0)
    }

    @Test func reclaimRespectsMaxOldestFirst() async throws {
        let time = ManualTime()
        let broker = makeBroker(Int.self, time: time)
        try await broker.publish(Array(0..<5), to: "t")
        _ = try await broker.consume(from: "t", group: "g", consumer: "a", max: 5, wait: .zero)
        time.advance(by: .seconds(1))
        let taken = try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .seconds(1), max: 2)
        #expect(taken.map(\.message) == [0, 1])
    }

    @Test func pastMaxDeliveriesAMessageIsDeadLettered() async throws {
        let time = ManualTime()
        let broker = makeBroker(String.self, maxDeliveries: 2, time: time)
        let ids = try await broker.publish(["poison", "fine"], to: "t")
        _ = try await broker.consume(from: "t", group: "g", consumer: "a", max: 1, wait: .zero)
        time.advance(by: .seconds(60))
        let second = try await broker.reclaim(from: "t", group: "g", consumer: "b", minIdle: .seconds(30), max: 10)
        #expect(second.map(\.deliveryCount) == [2])
        time.advance(by: .seconds(60))
        #expect(try await broker.reclaim(from: "t", group: "g", consumer: "c", minIdle: .seconds(30), max: 10).isEmpty)
        let dead = broker.deadLetters(topic: "t")
        #expect(dead.map(\.message) == ["poison"])
        #expect(dead.first?.originalID == ids[0] && dead.first?.deliveryCount == 2 && dead.first?.group == "g")
        #expect(dead.first?.error.contains("limit 2") == true)
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 1, pending: 0, consumers: 3, lag: 1, deadLetters: 1))
        let next = try await broker.consume(from: "t", group: "g", consumer: "c", max: 10, wait: .zero)
        #expect(next.map(\.message) == ["fine"])
        let fromDeadTopic = try await broker.consume(from: "t.dead", group: "ops", consumer: "human", max: 10, wait: .zero)
        #expect(fromDeadTopic.map(\.message) == ["poison"])
    }

    @Test func explicitDeadLetterKeepsTheErrorAndFreesTheSlot() async throws {
        let broker = makeBroker(String.self, bound: 1)
        try await broker.publish(["crashes-decoder.mp4"], to: "t")
        let publisher = Task { try await broker.publish(["next.mp4"], to: "t") }
        await broker.untilSuspended(topic: "t", publishers: 1)
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 1, wait: .zero)
        try await broker.deadLetter(got[0], topic: "t", group: "g", error: "decoder crashed: SIGSEGV")
        _ = try await publisher.value
        let dead = broker.deadLetters(topic: "t")
        #expect(dead.count == 1 && dead[0].error == "decoder crashed: SIGSEGV" && dead[0].deliveryCount == 1)
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 1, pending: 0, consumers: 1, lag: 1, deadLetters: 1))
        // Dead-lettering something no longer pending changes nothing.
        try await broker.deadLetter(got[0], topic: "t", group: "g", error: "again")
        #expect(broker.deadLetters(topic: "t").count == 1)
    }

    @Test func aLateAckOfAReclaimedMessageIsHarmless() async throws {
        let time = ManualTime()
        let broker = makeBroker(Int.self, time: time)
        try await broker.publish([7], to: "t")
        let slow = try await broker.consume(from: "t", group: "g", consumer: "slow", max: 1, wait: .zero)
        time.advance(by: .seconds(60))
        let taken = try await broker.reclaim(from: "t", group: "g", consumer: "fast", minIdle: .seconds(30), max: 1)
        try await broker.ack(taken.map(\.id), topic: "t", group: "g")
        try await broker.ack(slow.map(\.id), topic: "t", group: "g")
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 0, pending: 0, consumers: 2, lag: 0))
    }
}
