import FramewiseCore
import FramewiseRuntime
import Testing

/// Publishing, consuming and acking: order, groups, consumers, stats, ack rules.
@Suite struct InProcessBrokerDeliveryTests {
    @Test func publishConsumeAckRoundTrip() async throws {
        let broker = makeBroker(String.self)
        let ids = try await broker.publish(["a", "b", "c"], to: "frames")
        let got = try await broker.consume(from: "frames", group: "g", consumer: "c1", max: 10, wait: .zero)
        #expect(got.map(\.message) == ["a", "b", "c"])
        #expect(got.map(\.id) == ids)
        #expect(got.allSatisfy { $0.deliveryCount == 1 })
        try await broker.ack(ids, topic: "frames", group: "g")
        #expect(try await broker.stats(topic: "frames", group: "g") == TopicStats(length: 0, pending: 0, consumers: 1, lag: 0))
        #expect(try await broker.consume(from: "frames", group: "g", consumer: "c1", max: 10, wait: .zero).isEmpty)
    }

    @Test func fifoWithIncreasingIds() async throws {
        let broker = makeBroker(Int.self)
        var ids: [DeliveryID] = []
        for start in stride(from: 0, to: 100, by: 9) {
            ids += try await broker.publish(Array(start..<min(start + 9, 100)), to: "t")
        }
        #expect(ids == ids.sorted() && Set(ids).count == 100)
        var seen: [Int] = []
        while case let batch = try await broker.consume(from: "t", group: "g", consumer: "c", max: 7, wait: .zero), !batch.isEmpty {
            seen += batch.map(\.message)
        }
        #expect(seen == Array(0..<100))
    }

    @Test func consumersOfAGroupSplitAndEveryGroupGetsAll() async throws {
        let broker = makeBroker(Int.self)
        try await broker.publish(Array(0..<10), to: "t")
        let first = try await broker.consume(from: "t", group: "g1", consumer: "a", max: 4, wait: .zero)
        let second = try await broker.consume(from: "t", group: "g1", consumer: "b", max: 10, wait: .zero)
        #expect(first.map(\.message) == [0, 1, 2, 3])
        #expect(second.map(\.message) == [4, 5, 6, 7, 8, 9])
        let other = try await broker.consume(from: "t", group: "g2", consumer: "a", max: 100, wait: .zero)
        #expect(other.map(\.message) == Array(0..<10))
        #expect(try await broker.stats(topic: "t", group: "g1").consumers == 2)
    }

    @Test func aMessageIsFreedOnlyWhenEveryGroupAcked() async throws {
        let broker = makeBroker(Int.self)
        try await broker.publish([1, 2], to: "t")
        let g1 = try await broker.consume(from: "t", group: "g1", consumer: "c", max: 10, wait: .zero)
        let g2 = try await broker.consume(from: "t", group: "g2", consumer: "c", max: 10, wait: .zero)
        try await broker.ack(g1.map(\.id), topic: "t", group: "g1")
        #expect(try await broker.stats(topic: "t", group: "g1").length == 2)
        try await broker.ack(g2.map(\.id), topic: "t", group: "g2")
        #expect(try await broker.stats(topic: "t", group: "g1").length == 0)
        // A group created now starts at the oldest stored message: nothing is left.
        #expect(try await broker.consume(from: "t", group: "g3", consumer: "c", max: 10, wait: .zero).isEmpty)
    }

    @Test func aLateGroupStartsAtTheOldestStoredMessage() async throws {
        let broker = makeBroker(Int.self)
        try await broker.publish([1, 2, 3], to: "t")
        let g1 = try await broker.consume(from: "t", group: "g1", consumer: "c", max: 1, wait: .zero)
        try await broker.ack(g1.map(\.id), topic: "t", group: "g1")
        let late = try await broker.consume(from: "t", group: "late", consumer: "c", max: 10, wait: .zero)
        #expect(late.map(\.message) == [2, 3])
    }

    @Test func statsCountLengthPendingLagAndConsumers() async throws {
        let broker = makeBroker(Int.self)
        try await broker.publish(Array(0..<10), to: "t")
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 4, wait: .zero)
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 10, pending: 4, consumers: 1, lag: 6))
        try await broker.ack(Array(got.prefix(2).map(\.id)), topic: "t", group: "g")
        #expect(try await broker.stats(topic: "t", group: "g") == TopicStats(length: 8, pending: 2, consumers: 1, lag: 6))
        #expect(try await broker.stats(topic: "t", group: "unknown") == TopicStats(length: 8, lag: 8))
        #expect(try await broker.stats(topic: "nowhere", group: "g") == TopicStats())
    }

    @Test func ackIsIdempotentButRejectsForeignIds() async throws {
        let broker = makeBroker(Int.self)
        let ids = try await broker.publish([1], to: "t")
        _ = try await broker.consume(from: "t", group: "g", consumer: "c", max: 1, wait: .zero)
        try await broker.ack(ids, topic: "t", group: "g")
        try await broker.ack(ids, topic: "t", group: "g")
        try await broker.ack(ids, topic: "other", group: "g")
        await #expect(throws: BrokerError.unknownDelivery(topic: "t", id: DeliveryID("1700000000000-0"))) {
            try await broker.ack([DeliveryID("1700000000000-0")], topic: "t", group: "g")
        }
    }
}
