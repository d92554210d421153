import FramewiseRuntime
import Synchronization
import Testing

/// End to end on a real ContinuousClock with tiny delays.
@Suite struct BatcherDriverTests {
    struct Boom: Error, Equatable { var payloads: [Int] }

    static func driver(
        _ configuration: BatcherConfiguration, instances: Int = 2,
        run: @escaping @Sendable ([Int]) async throws -> [String]
    ) -> BatcherDriver<Int, String, ContinuousClock> {
        BatcherDriver(configuration: configuration, instances: instances, clock: ContinuousClock(), runBatch: run)
    }

    @Test func resultsReachTheirCallers() async throws {
        let sizes = Mutex<[Int]>([])
        let driver = Self.driver(.init(maxBatchSize: 8, maxQueueDelay: .milliseconds(2))) { payloads in
            sizes.withLock { $0.append(payloads.count) }
            try await Task.sleep(for: .milliseconds(1))
            return payloads.map { "r\($0)" }
        }
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<50 { group.addTask { (i, try await driver.submit(i, key: "v\(i % 3)")) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0.value == "r\($0.key)" })
        #expect(sizes.withLock { $0.reduce(0, +) } == 50)
        #expect(sizes.withLock { $0.allSatisfy { $0 <= 8 } })
        let stats = await driver.stats
        #expect(stats.batchedRequests == 50)
        #expect(await driver.latencyModel.observationCount == stats.batches)
    }

    @Test func aLoneRequestCompletesAfterTheDelay() async throws {
        let driver = Self.driver(.init(maxBatchSize: 8, maxQueueDelay: .milliseconds(3), mode: .fixed)) { $0.map(String.init) }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await driver.submit(7) == "7")
        #expect(start.duration(to: clock.now) >= .milliseconds(3))
    }

    @Test func aFailingBatchFailsEachOfItsRequests() async throws {
        let driver = Self.driver(.init(maxBatchSize: 4, maxQueueDelay: .seconds(5), mode: .fixed)) { payloads in
            if payloads.contains(13) { throw Boom(payloads: payloads) }
            return payloads.map(String.init)
        }
        let failures = await withTaskGroup(of: (any Error)?.self) { group in
            for i in 10..<14 { group.addTask { do { _ = try await driver.submit(i); return nil } catch { return error } } }
            return await group.reduce(into: [any Error]()) { if let e = $1 { $0.append(e) } }
        }
        #expect(failures.count == 4)
        #expect(failures.allSatisfy { ($0 as? Boom)?.payloads.sorted() == [10, 11, 12, 13] })
        let ok = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<4 { group.addTask { try await driver.submit(i) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(ok.sorted() == ["0", "1", "2", "3"])
    }

    @Test func aShortResultIsAnError() async {
        let driver = Self.driver(.init(maxBatchSize: 1, maxQueueDelay: .zero)) { _ in [] }
        await #expect(throws: BatcherError(.resultCountMismatch(expected: 1, actual: 0), batcher: "batcher")) {
            try await driver.submit(1)
        }
    }

    @Test func anExpiredDeadlineIsDropped() async {
        let driver = Self.driver(.init()) { $0.map(String.init) }
        await #expect(throws: BatcherError(.dropped(.deadlineExpired), batcher: "batcher")) {
            try await driver.submit(1, deadline: ContinuousClock().now.advanced(by: .milliseconds(-1)))
        }
        #expect(await driver.stats.expired == 1)
    }

    @Test func cancellingACallerRemovesItsRequest() async throws {
        let driver = Self.driver(.init(maxBatchSize: 8, maxQueueDelay: .seconds(30), mode: .fixed)) { $0.map(String.init) }
        let task = Task { try await driver.submit(1) }
        while await driver.stats.enqueued == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        while await driver.stats.cancelled == 0 { await Task.yield() }
    }

    @Test func shutdownDropsQueuedAndRefusesNew() async throws {
        let driver = Self.driver(.init(maxBatchSize: 8, maxQueueDelay: .seconds(30), mode: .fixed)) { $0.map(String.init) }
        let task = Task { try await driver.submit(1) }
        while await driver.stats.enqueued == 0 { await Task.yield() }
        await driver.shutdown()
        let shutdown = BatcherError(.dropped(.shutdown), batcher: "batcher")
        await #expect(throws: shutdown) { try await task.value }
        await #expect(throws: shutdown) { try await driver.submit(2) }
    }

    @Test func shutdownWaitsForRunningBatches() async throws {
        let driver = Self.driver(.init(maxBatchSize: 1, maxQueueDelay: .zero)) { payloads in
            try await Task.sleep(for: .milliseconds(20))
            return payloads.map(String.init)
        }
        let task = Task { try await driver.submit(5) }
        while await driver.stats.batches == 0 { await Task.yield() }
        await driver.shutdown()
        #expect(try await task.value == "5")
    }
}
