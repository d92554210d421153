/// Microbenchmarks of the batcher's own cost, without model work.
public enum BatcherBenchmark {
    /// Mean cost per request of the state machine alone: `enqueue` plus its share of the fire and
    /// `batchCompleted`, adaptive mode, batches of 32, on synthetic time (one arrival per 10 µs).
    public static func overheadPerRequest(requests: Int) -> Duration {
        let configuration = BatcherConfiguration(maxBatchSize: 32, maxQueueDelay: .milliseconds(5), mode: .adaptive)
        var batcher = AdaptiveBatcher<Int, ContinuousClock.Instant>(configuration: configuration, instances: 1)
        let clock = ContinuousClock()
        var now = clock.now
        let count = max(1, requests)
        var fired = 0
        let started = clock.now
        for i in 0..<count {
            now = now.advanced(by: .microseconds(10))
            if case let .fire(batch) = batcher.enqueue(i, now: now) {
                fired += batch.size
                _ = batcher.batchCompleted(size: batch.size, duration: .microseconds(200), now: now)
            }
        }
        let elapsed = started.duration(to: clock.now)
        withExtendedLifetime(fired) {}
        return elapsed / count
    }

    /// Mean wall time per request through a `BatcherDriver` with a no-op `runBatch`: `concurrency`
    /// callers submit `requests` in all; batches of up to 32 on `instances` instances. Includes
    /// actor hops, continuations and one task per batch; the 1 ms max delay only matters at the tail.
    public static func driverOverheadPerRequest(requests: Int, concurrency: Int = 64, instances: Int = 2) async -> Duration {
        let configuration = BatcherConfiguration(maxBatchSize: 32, maxQueueDelay: .milliseconds(1), mode: .adaptive)
        let driver = BatcherDriver<Int, Int, ContinuousClock>(
            configuration: configuration, instances: instances, clock: ContinuousClock()
        ) { payloads in payloads }
        let count = max(1, requests)
        let callers = max(1, min(concurrency, count))
        let clock = ContinuousClock()
        let started = clock.now
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    for i in stride(from: caller, to: count, by: callers) { _ = try? await driver.submit(i) }
                }
            }
        }
        let elapsed = started.duration(to: clock.now)
        await driver.shutdown()
        return elapsed / count
    }
}
