import FramewiseCore
import FramewiseRuntime
import Testing

@Suite struct BatchLatencyModelTests {
    static func msValue(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }

    @Test func fitsANoisyLineWithinTolerance() {
        var model = BatchLatencyModel()
        var rng = SplitMix64(seed: 42)
        for _ in 0..<64 {
            let n = Int.random(in: 1...16, using: &rng)
            let noise = Double.random(in: -0.5...0.5, using: &rng)
            model.observe(batchSize: n, duration: msec(2 * Double(n) + 10 + noise))
        }
        #expect(model.hasEnoughData)
        #expect(abs(Self.msValue(model.a) - 2) < 0.1)
        #expect(abs(Self.msValue(model.b) - 10) < 0.6)
        #expect(abs(Self.msValue(model.predictedLatency(batchSize: 8)) - 26) < 0.5)
    }

    @Test func followsAChangeWithinItsWindow() {
        var model = BatchLatencyModel(window: 32)
        for i in 0..<32 { model.observe(batchSize: 1 + i % 8, duration: msec(2 * Double(1 + i % 8) + 10)) }
        for i in 0..<32 { model.observe(batchSize: 1 + i % 8, duration: msec(Double(1 + i % 8) + 5)) }
        #expect(abs(Self.msValue(model.a) - 1) < 0.01)
        #expect(abs(Self.msValue(model.b) - 5) < 0.01)
        #expect(model.observationCount == 32)
    }

    @Test func oneBatchSizeIsNotEnough() {
        var model = BatchLatencyModel()
        #expect(!model.isKnown)
        #expect(model.predictedLatency(batchSize: 4) == .zero)
        for _ in 0..<10 { model.observe(batchSize: 4, duration: msec(8)) }
        #expect(!model.hasEnoughData)
        #expect(model.predictedLatency(batchSize: 4) == msec(8))
        #expect(abs((model.perRequestSeconds(batchSize: 2) ?? 0) - 0.004) < 1e-12)  // no cheaper than at 4
        #expect(abs((model.perRequestSeconds(batchSize: 8) ?? 0) - 0.002) < 1e-12)  // no more efficient than at 4
    }

    @Test func seedPredictsUntilDataTakesOver() {
        var model = BatchLatencyModel(a: msec(1), b: msec(3))
        #expect(model.hasEnoughData)
        #expect(model.predictedLatency(batchSize: 5) == msec(8))
        for _ in 0..<5 { model.observe(batchSize: 4, duration: msec(9)) }  // one size: keeps slope 1 ms
        #expect(model.predictedLatency(batchSize: 4) == msec(9))
        #expect(model.a == msec(1))
    }

    @Test func clampsToNonNegativeCosts() {
        var model = BatchLatencyModel()
        for n in 1...8 { model.observe(batchSize: n, duration: msec(10 - 0.1 * Double(n))) }
        #expect(model.a == .zero)
        #expect(model.b > msec(9))
    }
}
