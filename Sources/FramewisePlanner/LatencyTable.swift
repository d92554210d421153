import FramewiseCore

/// A dense, planning-ready view of a profile: latency and memory for every batch size
/// `1...maxBatch`, made non-decreasing in the batch size (a running maximum, so a noisy profile
/// never makes a larger batch look cheaper), and capped by the device memory.
struct LatencyTable: Sendable {
    let model: String
    /// `latency[b]` for b in 1...maxBatch; index 0 unused.
    let latency: [Double]
    /// `memory[b]` for b in 1...maxBatch; index 0 unused.
    let memory: [Int]
    let overhead: Double
    let maxBatch: Int

    init(profile: ModelProfile, statistic: LatencyStatistic, memoryLimit: Int?) throws(PlannerError) {
        try profile.validate()
        var latency = [0.0]
        var memory = [0]
        var running = 0.0
        for b in 1...profile.maxBatch {
            let bytes = try profile.memory(batch: b)
            if let memoryLimit, bytes > memoryLimit { break }
            running = max(running, try profile.latency(batch: b, statistic: statistic))
            latency.append(running)
            memory.append(bytes)
        }
        guard latency.count > 1 else {
            throw .exceedsDeviceMemory(model: profile.modelName, memoryBytes: memoryLimit ?? 0)
        }
        self.model = profile.modelName
        self.latency = latency
        self.memory = memory
        self.overhead = profile.perItemOverhead
        self.maxBatch = latency.count - 1
    }

    /// Smallest worst-case latency any plan can give this model: a duty cycle of at least one
    /// batch execution plus the execution plus per-item overhead.
    var minimumPlannableLatency: Double { 2 * latency[1] + overhead }

    /// Nexus' saturate rule: the largest batch whose latency fits half of `budget - overhead`,
    /// or nil when even batch 1 does not.
    func saturateBatch(budget: Double) -> Int? {
        let half = (budget - overhead) / 2
        var best: Int?
        for b in 1...maxBatch where latency[b] <= half + Tolerance.time { best = b }
        return best
    }

    /// Best throughput of one dedicated device within `budget`, requests per second (0 if none).
    func throughput(budget: Double) -> Double {
        guard let b = saturateBatch(budget: budget) else { return 0 }
        return Double(b) / latency[b]
    }

    /// Highest throughput of one device at any batch, ignoring latency (for lower bounds).
    var peakThroughput: Double {
        (1...maxBatch).map { Double($0) / latency[$0] }.max() ?? 0
    }
}

/// Numeric slack for comparisons of seconds and rates computed in floating point.
enum Tolerance {
    static let time = 1e-9
    static let relative = 1e-9
}
