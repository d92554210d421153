import FramewiseCore
import FramewiseRuntime
import Testing

/// Suspension: backpressure at the bound, consume waits, cancellation and close.
@Suite struct InProcessBrokerWaitingTests {
    @Test func publishSuspendsAtTheBoundUntilAnAck() async throws {
        let broker = makeBroker(Int.self, bound: 2)
        try await broker.publish([1, 2], to: "t")
        let done = Flag()
        let publisher = Task {
            defer { done.set() }
            return try await broker.publish([3], to: "t")
        }
        await broker.untilSuspended(topic: "t", publishers: 1)
        #expect(!done.isSet)
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 10, wait: .zero)
        #expect(got.map(\.message) == [1, 2])
        #expect(!done.isSet)
        try await broker.ack([got[0].id], topic: "t", group: "g")
        let ids = try await publisher.value
        #expect(done.isSet && ids.count == 1)
        let third = try await broker.consume(from: "t", group: "g", consumer: "c", max: 10, wait: .zero)
        #expect(third.map(\.message) == [3] && third.map(\.id) == ids)
    }

    @Test func aBatchPublishProceedsPartially() async throws {
        let broker = makeBroker(Int.self, bound: 3)
        try await broker.publish([1, 2], to: "t")
        let publisher = Task { try await broker.publish([3, 4, 5], to: "t") }
        await broker.untilSuspended(topic: "t", publishers: 1)
        #expect(try await broker.stats(topic: "t", group: "g").length == 3)
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 10, wait: .zero)
        #expect(got.map(\.message) == [1, 2, 3])
        try await broker.ack(got.map(\.id), topic: "t", group: "g")
        #expect(try await publisher.value.count == 3)
        let rest = try await broker.consume(from: "t", group: "g", consumer: "c", max: 10, wait: .zero)
        #expect(rest.map(\.message) == [4, 5])
    }

    @Test func consumeWaitsForAPublish() async throws {
        let broker = makeBroker(String.self)
        let consumer = Task { try await broker.consume(from: "t", group: "g", consumer: "c", max: 5, wait: .seconds(60)) }
        await broker.untilSuspended(topic: "t", consumers: 1)
        try await broker.publish(["frame"], to: "t")
        let got = try await consumer.value
        #expect(got.map(\.message) == ["frame"])
        #expect(try await broker.stats(topic: "t", group: "g").pending == 1)
    }

    @Test func consumeTimesOutEmpty() async throws {
        let broker = makeBroker(String.self)
        let clock = ContinuousClock()
        let start = clock.now
        let got = try await broker.consume(from: "t", group: "g", consumer: "c", max: 5, wait: .milliseconds(30))
        #expect(got.isEmpty)
        #expect(clock.now - start >= .milliseconds(30))
        #expect(broker.suspendedCalls(topic: "t") == (0, 0))
    }

    @Test func cancellingAWaitingConsumeThrows() async throws {
        let broker = makeBroker(Int.self)
        let consumer = Task { try await broker.consume(from: "t", group: "g", consumer: "c", max: 5, wait: .seconds(60)) }
        await broker.untilSuspended(topic: "t", consumers: 1)
        consumer.cancel()
        await #expect(throws: CancellationError.self) { try await consumer.value }
        #expect(broker.suspendedCalls(topic: "t") == (0, 0))
    }

    @Test func closeWakesEveryWaiter() async throws {
        let broker = makeBroker(Int.self, bound: 1)
        try await broker.publish([1], to: "full")
        let publisher = Task { try await broker.publish([2], to: "full") }
        let consumer = Task { try await broker.consume(from: "empty", group: "g", consumer: "c", max: 5, wait: .seconds(60)) }
        await broker.untilSuspended(topic: "full", publishers: 1)
        await broker.untilSuspended(topic: "empty", consumers: 1)
        broker.close()
        await #expect(throws: BrokerError.closed) { try await publisher.value }
        await #expect(throws: BrokerError.closed) { try await consumer.value }
        await #expect(throws: BrokerError.closed) { try await broker.publish([3], to: "other") }
    }
}
