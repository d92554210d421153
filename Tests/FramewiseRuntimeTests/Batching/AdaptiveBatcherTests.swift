import FramewiseRuntime
import Testing

/// Events fed by hand: full, max delay, deadline, instances, FIFO, drops.
@Suite struct AdaptiveBatcherTests {
    let fixed = BatcherConfiguration(maxBatchSize: 4, maxQueueDelay: msec(10), mode: .fixed)

    @Test func firesAtMaxSize() {
        var b = TestBatcher(configuration: fixed)
        #expect(b.enqueue(0, now: tAt(0)).tickTime == tAt(10))
        #expect(b.enqueue(1, now: tAt(1)).isNone)
        #expect(b.enqueue(2, now: tAt(2)).isNone)
        let batch = b.enqueue(3, now: tAt(3)).firedBatch
        #expect(batch?.payloads == [0, 1, 2, 3])
        #expect(batch?.trigger == .full)
        #expect(b.queuedCount == 0 && b.busyInstances == 1)
    }

    @Test func firesAtLargestPreferredSize() {
        var b = TestBatcher(configuration: .init(maxBatchSize: 8, maxQueueDelay: msec(10), preferredBatchSizes: [2, 4, 16], mode: .fixed))
        for i in 0..<3 { #expect(b.enqueue(i, now: tAt(0)).firedBatch == nil) }
        #expect(b.enqueue(3, now: tAt(0)).firedBatch?.size == 4)
    }

    @Test func firesAtMaxDelayOnTheScheduledTick() {
        var b = TestBatcher(configuration: fixed)
        let tick = b.enqueue(0, now: tAt(0)).tickTime
        #expect(tick == tAt(10))
        #expect(b.enqueue(1, now: tAt(3)).isNone)
        #expect(b.tick(now: tAt(5)).tickTime == tAt(10))  // early wake-up: asks again
        let batch = b.tick(now: tAt(10)).firedBatch
        #expect(batch?.payloads == [0, 1])
        #expect(batch?.trigger == .maxQueueDelay)
    }

    @Test func firesForTheEarliestDeadlineUsingPredictedLatency() {
        let seed = BatchLatencyModel(a: msec(1), b: msec(4))
        var b = TestBatcher(configuration: .init(maxBatchSize: 8, maxQueueDelay: msec(50), mode: .fixed, latencySeed: seed))
        // Deadline 20 ms; waiting for a 2nd request risks L(2) = 6 ms → fire by 14 ms.
        #expect(b.enqueue(0, deadline: tAt(20), now: tAt(0)).tickTime == tAt(14))
        // A 2nd request at 13 ms: a 3rd would need L(3) = 7 ms → must fire by 13 ms, i.e. now.
        let batch = b.enqueue(1, now: tAt(13)).firedBatch
        #expect(batch?.payloads == [0, 1])
        #expect(batch?.trigger == .deadline)
    }

    @Test func deadlineTickFiresTheBatch() {
        var b = TestBatcher(configuration: .init(maxBatchSize: 8, maxQueueDelay: msec(50), mode: .fixed, latencySeed: .init(a: msec(1), b: msec(4))))
        #expect(b.enqueue(0, deadline: tAt(20), now: tAt(0)).tickTime == tAt(14))
        #expect(b.tick(now: tAt(14)).firedBatch?.trigger == .deadline)
    }

    @Test func respectsInstancesAndFiresOnCompletion() {
        var b = TestBatcher(configuration: .init(maxBatchSize: 2, maxQueueDelay: msec(10), mode: .fixed), instances: 2)
        var fired: [[Int]] = []
        for i in 0..<6 { if let batch = b.enqueue(i, now: tAt(0)).firedBatch { fired.append(batch.payloads) } }
        #expect(fired == [[0, 1], [2, 3]])
        #expect(b.busyInstances == 2 && b.queuedCount == 2)
        #expect(b.tick(now: tAt(20)).isNone)  // all busy: nothing fires however long they waited, no tick needed
        #expect(b.batchCompleted(size: 2, duration: msec(5), now: tAt(20)).firedBatch?.payloads == [4, 5])
        #expect(b.batchCompleted(size: 2, duration: msec(5), now: tAt(21)).isNone)
        #expect(b.busyInstances == 1)
        // A late request waits only until its delay passes, now that an instance is free.
        #expect(b.enqueue(6, now: tAt(22)).tickTime == tAt(32))
    }

    @Test func overdueRequestFiresAsSoonAsAnInstanceFrees() {
        var b = TestBatcher(configuration: .init(maxBatchSize: 2, maxQueueDelay: msec(10), mode: .fixed))
        _ = b.enqueue(0, now: tAt(0))
        #expect(b.enqueue(1, now: tAt(0)).firedBatch != nil)
        #expect(b.enqueue(2, now: tAt(1)).isNone)
        let batch = b.batchCompleted(size: 2, duration: msec(30), now: tAt(30)).firedBatch
        #expect(batch?.payloads == [2])
        #expect(batch?.trigger == .maxQueueDelay)
    }

    @Test func keepsFIFOOrderOverallAndPerKey() {
        var sim = BatcherSimulation(.init(maxBatchSize: 5, maxQueueDelay: msec(3), mode: .adaptive), instances: 3) { n in msec(2 + Double(n % 3)) }
        sim.run(poissonArrivals(400, meanGap: 0.4), key: { "video\($0 % 7)" })
        let order = sim.batches.flatMap { $0.requests }
        #expect(order.map(\.payload) == Array(0..<400))
        for k in 0..<7 {
            let ids = order.filter { $0.orderingKey == "video\(k)" }.map(\.id)
            #expect(ids == ids.sorted())
        }
        #expect(sim.batches.allSatisfy { $0.size <= 5 })
    }

    @Test func dropsExpiredRequestsAndCountsThem() {
        var b = TestBatcher(configuration: fixed)
        let late = b.enqueue(100, deadline: tAt(0), now: tAt(1))
        #expect(late.dropped.map(\.1) == [.deadlineExpired])
        for i in 0..<4 { _ = b.enqueue(i, now: tAt(1)) }  // fills one batch: the only instance is busy
        _ = b.enqueue(4, deadline: tAt(5), now: tAt(2))
        _ = b.enqueue(5, now: tAt(2))
        let action = b.batchCompleted(size: 4, duration: msec(7), now: tAt(8))
        #expect(action.dropped.map(\.0.payload) == [4])
        #expect(action.tickTime == tAt(12))  // request 5 still waits for its max delay
        #expect(b.stats.expired == 2)
        #expect(b.tick(now: tAt(12)).firedBatch?.payloads == [5])
    }

    @Test func cancelRemovesAQueuedRequest() {
        var b = TestBatcher(configuration: fixed)
        _ = b.enqueue(0, now: tAt(0))
        _ = b.enqueue(1, now: tAt(1))
        #expect(b.cancel(requestID: 0, now: tAt(2)).dropped.map(\.1) == [.cancelled])
        #expect(b.cancel(requestID: 0, now: tAt(2)).isNone)
        #expect(b.tick(now: tAt(11)).firedBatch?.payloads == [1])
        #expect(b.stats.cancelled == 1)
    }

    @Test func shutdownDropsQueuedAndLaterRequests() {
        var b = TestBatcher(configuration: fixed)
        _ = b.enqueue(0, now: tAt(0))
        _ = b.enqueue(1, now: tAt(0))
        #expect(b.shutdown().dropped.map(\.0.payload) == [0, 1])
        #expect(b.enqueue(2, now: tAt(1)).dropped.map(\.1) == [.shutdown])
        #expect(b.stats.shutDown == 3)
    }
}
