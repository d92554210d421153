import FramewiseRuntime
import Testing

/// The policy over streams of arrivals, in simulated time.
@Suite struct AdaptiveBatcherPolicyTests {
    /// L(n) = 0.1 ms·n + 4 ms, known from a profile.
    static let profile = BatchLatencyModel(a: msec(0.1), b: msec(4))
    static func latency(_ n: Int) -> Duration { msec(0.1 * Double(n) + 4) }

    static func configuration(_ mode: BatcherConfiguration.Mode, seeded: Bool = true) -> BatcherConfiguration {
        .init(maxBatchSize: 8, maxQueueDelay: msec(10), mode: mode, latencySeed: seeded ? profile : nil)
    }

    @Test(arguments: [BatcherConfiguration.Mode.fixed, .adaptive])
    func neverStarvesTheOldest(mode: BatcherConfiguration.Mode) {
        let configuration = BatcherConfiguration(maxBatchSize: 1000, maxQueueDelay: msec(10), mode: mode)
        var sim = BatcherSimulation(configuration) { _ in msec(2) }
        sim.run(periodicArrivals(500, every: 1))
        #expect(sim.batches.reduce(0) { $0 + $1.size } == 500)
        #expect(sim.oldestWaits.allSatisfy { $0 <= msec(10) })
        #expect(sim.waits.max() == msec(10) || mode == .adaptive)
    }

    @Test func aLoneRequestFiresAtOnceOnceTheRateIsLearnedLow() {
        var b = TestBatcher(configuration: Self.configuration(.adaptive, seeded: false))
        #expect(b.enqueue(0, now: tAt(0)).tickTime == tAt(10))  // rate unknown: behaves like fixed
        #expect(b.tick(now: tAt(10)).firedBatch?.trigger == .maxQueueDelay)
        _ = b.batchCompleted(size: 1, duration: msec(4), now: tAt(14))
        #expect(b.enqueue(1, now: tAt(100)).tickTime == tAt(110))
        #expect(b.tick(now: tAt(110)).firedBatch != nil)
        _ = b.batchCompleted(size: 1, duration: msec(4), now: tAt(114))
        // Gaps of 100 ms ≫ the 10 ms window, and ≫ the 5 ms a request costs (4 ms at 80 %).
        let batch = b.enqueue(2, now: tAt(200)).firedBatch
        #expect(batch?.trigger == .keepsUp)
        #expect(batch?.firedAt == tAt(200))
    }

    @Test func inSilenceARequestWaitsAtMostHalfTheWindow() {
        var b = TestBatcher(configuration: Self.configuration(.adaptive, seeded: false))
        for i in 0..<4 { _ = b.enqueue(i, now: tAt(Double(i) * 0.5)) }  // learns a 0.5 ms gap
        let tick = b.tick(now: tAt(10)).firedBatch
        #expect(tick?.size == 4)
        _ = b.batchCompleted(size: 4, duration: msec(9), now: tAt(19))
        // Silence, then one request at 21 ms (smoothed gap now 4.3 ms): half of its 10 ms window
        // with nobody else → fire. (Keeping up alone would need 9 ms / 0.8 of silence.)
        #expect(b.enqueue(4, now: tAt(21)).tickTime == tAt(26))
        #expect(b.tick(now: tAt(26)).firedBatch?.trigger == .noArrivalsExpected)
    }

    @Test func firesSmallBatchesWhenTheyKeepUp() {
        var sim = BatcherSimulation(Self.configuration(.adaptive), latency: Self.latency)
        sim.run(periodicArrivals(100, every: 20))
        let steady = sim.batches.dropFirst(3)
        #expect(steady.count == 97)
        #expect(steady.allSatisfy { $0.size == 1 && $0.trigger == .keepsUp })
        #expect(steady.allSatisfy { $0.requests[0].enqueuedAt == $0.firedAt })
    }

    @Test func fillsToMaxBatchSizeUnderHighLoad() {
        var sim = BatcherSimulation(Self.configuration(.adaptive, seeded: false), latency: Self.latency)
        sim.run(periodicArrivals(400, every: 0.5))  // 2 requests/ms > 8 / L(8) = 1.67 requests/ms
        #expect(sim.batches.count == 50)
        #expect(sim.batches.dropLast().allSatisfy { $0.size == 8 })
    }

    @Test func sizesBatchesToTheLoadInBetween() {
        // 1 request/ms: the smallest size that keeps up at 80 % is 6 (L(6)/6 = 0.77 ms ≤ 0.8 ms).
        var sim = BatcherSimulation(Self.configuration(.adaptive), latency: Self.latency)
        sim.run(periodicArrivals(400, every: 1))
        let sizes = sim.batches.dropFirst(3).dropLast().map(\.size)
        #expect(sizes.count > 50)
        #expect(sizes.allSatisfy { (5...7).contains($0) })
        #expect(sim.oldestWaits.allSatisfy { $0 <= msec(10) })
    }

    @Test func adaptiveWaitsLessThanFixedAtLowLoad() {
        func meanWait(_ mode: BatcherConfiguration.Mode) -> Double {
            var sim = BatcherSimulation(Self.configuration(mode), latency: Self.latency)
            sim.run(poissonArrivals(300, meanGap: 30))
            let waits = sim.waits.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1e3 }
            return waits.reduce(0, +) / Double(waits.count)
        }
        let fixed = meanWait(.fixed), adaptive = meanWait(.adaptive)
        #expect(fixed > 7)
        #expect(adaptive < fixed / 5)
    }

    @Test func deadlinesAreMetWhenFeasible() {
        // Each request is due 8 ms after it arrives; L(n) ≤ 4.8 ms, so waiting must be cut short.
        let arrivals = poissonArrivals(300, meanGap: 1.5, seed: 11).map { ($0.0, Optional($0.0.advanced(by: msec(8)))) }
        var sim = BatcherSimulation(Self.configuration(.adaptive), instances: 2, latency: Self.latency)
        sim.run(arrivals)
        let late = sim.batches.flatMap { b in
            b.requests.filter { r in r.deadline.map { b.firedAt.advanced(by: Self.latency(b.size)) > $0 } ?? false }
        }
        #expect(sim.batches.reduce(0) { $0 + $1.size } == 300)
        #expect(sim.dropped.isEmpty)
        #expect(late.isEmpty)
    }
}

/// Requests pulled together from a queue where they waited: one decision over all of them.
@Suite struct AdaptiveBatcherBulkEnqueueTests {
    @Test func aPullOfWaitingRequestsFiresAsOneBatchNotTheFirstAlone() {
        let config = BatcherConfiguration(maxBatchSize: 8, maxQueueDelay: msec(10), mode: .adaptive)
        // Learn a gap of 1 ms, then a long silence: each request alone looks like the last one coming.
        var single = TestBatcher(configuration: config)
        var bulk = TestBatcher(configuration: config)
        for i in 0..<3 {
            _ = single.enqueue(i, now: tAt(Double(i)))
            _ = bulk.enqueue(i, now: tAt(Double(i)))
        }
        _ = single.tick(now: tAt(20))
        _ = bulk.tick(now: tAt(20))
        _ = single.batchCompleted(size: 3, duration: msec(5), now: tAt(25))
        _ = bulk.batchCompleted(size: 3, duration: msec(5), now: tAt(25))
        // Seven requests became ready at 30..36 ms while the worker was busy; pulled at 100 ms.
        let waiting = (0..<7).map { (payload: 10 + $0, key: String?.none, deadline: BatchInstant?.none, arrivedAt: tAt(30 + Double($0))) }
        // One by one, the first fires alone (nothing seemed to follow it) and the rest wait behind it.
        let first = single.enqueue(waiting[0].payload, now: tAt(100)).firedBatch
        #expect(first?.size == 1)
        // In bulk, all seven are queued before the one decision.
        let actions = bulk.enqueue(contentsOf: waiting, now: tAt(100))
        let fired = actions.compactMap(\.firedBatch)
        #expect(fired.count == 1)
        #expect(fired.first?.payloads == Array(10..<17))
        #expect(bulk.queuedCount == 0)
        #expect(bulk.stats.enqueued == 10)
    }

    @Test func expiredAndShutDownRequestsAreDroppedInBulkToo() {
        var b = TestBatcher(configuration: .init(maxBatchSize: 4, maxQueueDelay: msec(10), mode: .fixed))
        let requests = [(payload: 1, key: String?.none, deadline: BatchInstant?.some(tAt(5)), arrivedAt: tAt(0)),
                        (payload: 2, key: String?.none, deadline: BatchInstant?.none, arrivedAt: tAt(0))]
        let actions = b.enqueue(contentsOf: requests, now: tAt(6))
        #expect(actions.count == 2)
        if case let .drop(dropped, reason, _) = actions[0] {
            #expect(dropped.map(\.payload) == [1])
            #expect(reason == .deadlineExpired)
        } else {
            Issue.record("expected the expired request dropped first, got \(actions[0])")
        }
        #expect(b.queuedCount == 1)
        _ = b.shutdown()
        let late = b.enqueue(contentsOf: [(payload: 3, key: nil, deadline: nil, arrivedAt: tAt(7))], now: tAt(7))
        if case let .drop(dropped, reason, _) = late[0] { #expect(dropped.map(\.payload) == [3] && reason == .shutdown) } else {
            Issue.record("expected a shutdown drop")
        }
    }
}
