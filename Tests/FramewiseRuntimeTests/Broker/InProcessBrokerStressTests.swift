import FramewiseCore
import FramewiseRuntime
import Synchronization
import Testing

/// Many producers and consumers on a small bound: each group gets every message exactly once.
@Suite struct InProcessBrokerStressTests {
    struct Tagged: Sendable { var producer: Int; var index: Int }

    @Test func everyMessageOncePerGroup() async throws {
        let producers = 4, perProducer = 5_000, consumersPerGroup = 3
        let groups = ["detect", "classify"]
        let total = producers * perProducer
        let broker = makeBroker(Tagged.self, bound: 64)
        let received = Shared<[String: [Int]]>([:])
        // Groups exist before the first publish, or a late group misses what others already acked.
        for group in groups { _ = try await broker.consume(from: "frames", group: group, consumer: "c0", max: 0, wait: .zero) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for producer in 0..<producers {
                tasks.addTask {
                    var next = 0
                    while next < perProducer {
                        let count = min(1 + (next + producer) % 17, perProducer - next)
                        try await broker.publish((next..<(next + count)).map { Tagged(producer: producer, index: $0) }, to: "frames")
                        next += count
                    }
                }
            }
            for group in groups {
                for consumer in 0..<consumersPerGroup {
                    tasks.addTask {
                        while received.withLock({ $0[group, default: []].count }) < total {
                            let batch = try await broker.consume(from: "frames", group: group, consumer: "c\(consumer)",
                                                                 max: 1 + consumer * 11, wait: .milliseconds(20))
                            received.withLock { $0[group, default: []] += batch.map { $0.message.producer * perProducer + $0.message.index } }
                            try await broker.ack(batch.map(\.id), topic: "frames", group: group)
                        }
                    }
                }
            }
            try await tasks.waitForAll()
        }
        for group in groups {
            let keys = received.withLock { $0[group, default: []] }
            #expect(keys.count == total)
            #expect(Set(keys).count == total)
            #expect(try await broker.stats(topic: "frames", group: group).pending == 0)
        }
        #expect(try await broker.stats(topic: "frames", group: "detect").length == 0)
    }
}
