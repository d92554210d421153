import FramewiseCore

/// Measures a broker's throughput: one producer publishing in batches while one consumer
/// consumes in batches and acks, concurrently, through one topic.
public enum BrokerBenchmark {
    /// In-process broker messages per second (see `messagesPerSecond(broker:topic:messages:batch:)`).
    public static func messagesPerSecond(messages: Int, batch: Int) async -> Double {
        await messagesPerSecond(broker: InProcessBroker<FrameMessage>(), topic: "bench", messages: messages, batch: batch)
    }

    /// Messages per second through `broker` on `topic` (engine-shaped frame messages, no pixels),
    /// each published, consumed and acked; 0 when `messages` or `batch` is not positive or the broker failed.
    public static func messagesPerSecond(broker: any Broker<FrameMessage>, topic: String, messages: Int, batch: Int) async -> Double {
        guard messages > 0, batch > 0 else { return 0 }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    var sent = 0
                    while sent < messages {
                        let count = min(batch, messages - sent)
                        let chunk = (sent..<(sent + count)).map {
                            FrameMessage(job: "bench", video: $0 / 1000, slot: $0 % 1000, readyAt: Double($0), deadline: 1e9)
                        }
                        try await broker.publish(chunk, to: topic)
                        sent += count
                    }
                }
                tasks.addTask {
                    var received = 0
                    while received < messages {
                        let deliveries = try await broker.consume(from: topic, group: "g", consumer: "c", max: batch, wait: .seconds(5))
                        guard !deliveries.isEmpty else { throw BrokerError.connection("benchmark consumer timed out") }
                        try await broker.ack(deliveries.map(\.id), topic: topic, group: "g")
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
