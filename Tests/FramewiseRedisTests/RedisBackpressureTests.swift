import FramewiseCore
import FramewiseRedis
import Synchronization
import Testing

@Suite("Redis Streams broker backpressure against redis-server")
struct RedisBackpressureTests {
    @Test("publish suspends at the bound and resumes when a consumer acks")
    func suspendsAtBound() async throws {
        let server = try await RedisServerFixture.start()
        let broker = server.broker(maxLength: 5)
        try await broker.createGroup(topic: "t", group: "g")
        try await broker.publish(frames(0..<5), to: "t")

        let done = Locked(false)
        let blocked = Task {
            let ids = try await broker.publish(frames(5..<7), to: "t")
            done.withLock { $0 = true }
            return ids
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!done.withLock { $0 }, "publish should wait while the stream is full")
        #expect(try await broker.stats(topic: "t", group: "g").length == 5)

        // Delivering is not enough: only acked entries make room.
        let first = try await broker.consume(from: "t", group: "g", consumer: "c", max: 1, wait: .zero)
        try await Task.sleep(for: .milliseconds(100))
        #expect(!done.withLock { $0 })
        try await broker.ack(first.map(\.id), topic: "t", group: "g")
        // The waiting publisher fills the freed slot (it polls with backoff; allow for a busy machine).
        var length = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            length = try await broker.stats(topic: "t", group: "g").length
            if length == 5 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(length == 5)
        #expect(!done.withLock { $0 }, "one slot freed, two messages to go")

        let more = try await broker.consume(from: "t", group: "g", consumer: "c", max: 1, wait: .zero)
        try await broker.ack(more.map(\.id), topic: "t", group: "g")
        #expect(try await blocked.value.count == 2)
        #expect(try await broker.stats(topic: "t", group: "g").length == 5)

        // A waiting publish can be cancelled.
        let cancelled = Task { try await broker.publish(frames(9..<10), to: "t") }
        try await Task.sleep(for: .milliseconds(50))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await broker.shutdown()
    }

    @Test("fast producers, slow consumers: length never exceeds the bound, nothing is lost or duplicated")
    func fastProducerSlowConsumer() async throws {
        let server = try await RedisServerFixture.start()
        let bound = 20
        let total = 400
        let broker = server.broker(maxLength: bound, poolSize: 8, blockTimeout: .milliseconds(50))
        try await broker.createGroup(topic: "work", group: "g")

        let maxSeen = Locked(0)
        let producersDone = Locked(false)
        let monitor = Task {
            let watcher = server.broker()
            while !producersDone.withLock({ $0 }) {
                let length = try await watcher.stats(topic: "work", group: "g").length
                maxSeen.withLock { $0 = max($0, length) }
                try await Task.sleep(for: .milliseconds(2))
            }
            await watcher.shutdown()
        }

        let received = Locked<[FrameMessage]>([])
        let published = try await withThrowingTaskGroup(of: [DeliveryID].self) { group in
            // Two producers publishing batches of 7 as fast as they are let.
            for producer in 0..<2 {
                group.addTask {
                    var ids: [DeliveryID] = []
                    for start in stride(from: 0, to: total / 2, by: 7) {
                        let end = min(start + 7, total / 2)
                        ids += try await broker.publish(frames(start..<end, video: "p\(producer)"), to: "work")
                    }
                    return ids
                }
            }
            // Two slow consumers: small batches, a pause before each ack.
            for consumer in 0..<2 {
                group.addTask {
                    while received.withLock({ $0.count }) < total {
                        let got = try await broker.consume(from: "work", group: "g", consumer: "c\(consumer)", max: 3, wait: .milliseconds(50))
                        guard !got.isEmpty else { continue }
                        try await Task.sleep(for: .milliseconds(3))
                        try await broker.ack(got.map(\.id), topic: "work", group: "g")
                        received.withLock { $0 += got.map(\.message) }
                    }
                    return []
                }
            }
            return try await group.reduce(into: [DeliveryID]()) { $0 += $1 }
        }
        producersDone.withLock { $0 = true }
        try await monitor.value

        #expect(published.count == total && Set(published).count == total)
        let messages = received.withLock { $0 }
        #expect(messages.count == total, "every message consumed exactly once")
        #expect(Set(messages) == Set(frames(0..<(total / 2), video: "p0") + frames(0..<(total / 2), video: "p1")))
        let seen = maxSeen.withLock { $0 }
        #expect(seen <= bound, "stream length peaked at \(seen)")
        #expect(try await broker.stats(topic: "work", group: "g") == TopicStats(length: 0, pending: 0, consumers: 2, lag: 0))
        await broker.shutdown()
    }
}
