import FramewiseCore

/// Measures `InProcessBroker` throughput: one producer publishing in batches while one consumer
/// consumes in batches and acks, concurrently, through one topic at the default bound.
public enum BrokerBenchmark {
    /// A message shaped like the engine's: a few ids and a deadline, no pixels.
    struct FrameMessage: Sendable {
        var video: Int
        var frame: Int
        var deadline: Duration
    }

    /// Messages per second, each published, consumed and acked; 0 when `messages` or `batch`
    /// is not positive or the broker failed.
    public static func messagesPerSecond(messages: Int, batch: Int) async -> Double {
        guard messages > 0, batch > 0 else { return 0 }
        let broker = InProcessBroker<FrameMessage>()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    var sent = 0
                    while sent < messages {
                        let count = min(batch, messages - sent)
                        let chunk = (sent..<(sent + count)).map { FrameMessage(video: $0 / 1000, frame: $0, deadline: .seconds(1)) }
                        try await broker.publish(chunk, to: "bench")
                        sent += count
                    }
                }
                tasks.addTask {
                    var received = 0
                    while received < messages {
                        let deliveries = try await broker.consume(from: "bench", group: "g", consumer: "c", max: batch, wait: .seconds(5))
                        guard !deliveries.isEmpty else { throw BrokerError.connection("benchmark consumer timed out") }
                        try await broker.ack(deliveries.map(\.id), topic: "bench", group: "g")
                        received += deliveries.count
                    }
                }
                try await tasks.waitForAll()
            }
        } catch {
            return 0
        }
        let seconds = (clock.now - start) / .seconds(1)
        return seconds > 0 ? Double(messages) / seconds : 0
    }
}
