import FramewiseCore

/// Planner speed measurements (run from a test or the CLI; no assertions on time).
public enum PlannerBenchmark {
    /// Synthetic sessions: `count` models with varied profiles, rates and SLOs, generated
    /// deterministically from `seed`.
    public static func syntheticSessions(count: Int, seed: UInt64 = 42) -> [SessionRequirement] {
        var state = seed
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<max(0, count)).map { i in
            let base = 0.005 + 0.03 * next()
            let slope = 0.001 + 0.006 * next()
            let entries = [1, 2, 4, 8, 16, 32, 64].map { b in
                BatchProfile(batchSize: b, latencyMean: base + slope * Double(b - 1),
                             latencyP99: (base + slope * Double(b - 1)) * 1.1, memoryBytes: 1 << 20 * b)
            }
            let profile = ModelProfile(modelName: "m\(i)", deviceName: "synthetic", entries: entries)
            let slo = 2.5 * (base * 1.1) + 0.05 + 0.3 * next()
            return SessionRequirement(id: "s\(i)", profile: profile, rate: 2 + 400 * next() * next(), slo: slo)
        }
    }

    /// Time to pack `count` synthetic sessions once.
    public static func packSessions(count: Int = 1000) throws(PlannerError) -> Duration {
        let sessions = syntheticSessions(count: count)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try SquishyBinPacker().pack(sessions)
        return clock.now - start
    }
}
