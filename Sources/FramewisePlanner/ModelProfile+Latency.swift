import FramewiseCore

extension ModelProfile {
    /// The largest batch size a profile may list (plans tabulate every size up to it).
    public static let largestBatch = 65_536

    /// The largest memory size a profile entry may list, bytes (1 PiB; keeps sums from overflowing).
    public static let largestMemory = 1 << 50

    /// The largest profiled batch size (0 for an empty profile).
    public var maxBatch: Int { entries.map(\.batchSize).max() ?? 0 }

    /// Checks that the profile can be planned with: at least one entry, positive unique batch
    /// sizes, finite non-negative latencies and overheads.
    public func validate() throws(PlannerError) {
        guard !entries.isEmpty else { throw .emptyProfile(model: modelName) }
        var seen = Set<Int>()
        for entry in entries {
            guard entry.batchSize > 0 else {
                throw .invalidProfile(model: modelName, reason: "batch size \(entry.batchSize) is not positive")
            }
            guard entry.batchSize <= Self.largestBatch else {
                throw .invalidProfile(model: modelName, reason: "batch size \(entry.batchSize) exceeds \(Self.largestBatch)")
            }
            guard seen.insert(entry.batchSize).inserted else {
                throw .invalidProfile(model: modelName, reason: "batch size \(entry.batchSize) appears twice")
            }
            for value in [entry.latencyMean, entry.latencyStd, entry.latencyP99]
            where !(value.isFinite && value >= 0) {
                throw .invalidProfile(model: modelName, reason: "latency \(value) at batch \(entry.batchSize)")
            }
            guard entry.latencyMean > 0, entry.latencyP99 > 0 else {
                throw .invalidProfile(model: modelName, reason: "zero latency at batch \(entry.batchSize)")
            }
            guard entry.memoryBytes >= 0, entry.memoryBytes <= Self.largestMemory else {
                throw .invalidProfile(model: modelName, reason: "memory \(entry.memoryBytes) at batch \(entry.batchSize)")
            }
        }
        for value in [preprocessSeconds, postprocessSeconds] where !(value.isFinite && value >= 0) {
            throw .invalidProfile(model: modelName, reason: "per-item overhead \(value)")
        }
    }

    /// Batch latency in seconds for any `batch` in `1...maxBatch`.
    ///
    /// Between profiled sizes the latency is interpolated linearly; below the smallest profiled
    /// size the smallest size's latency is used (a small batch can always be padded to it, so this
    /// is an upper bound). Sizes above `maxBatch` throw.
    public func latency(batch: Int, statistic: LatencyStatistic = .p99) throws(PlannerError) -> Double {
        try interpolate(batch: batch) { $0.latency(statistic) }
    }

    /// Device memory in bytes at `batch`, interpolated like `latency(batch:statistic:)` and
    /// rounded up.
    public func memory(batch: Int) throws(PlannerError) -> Int {
        Int(try interpolate(batch: batch) { Double($0.memoryBytes) }.rounded(.up).clamped(to: Self.largestMemory))
    }

    private func interpolate(batch: Int, _ value: (BatchProfile) -> Double) throws(PlannerError) -> Double {
        guard var first = entries.first else { throw .emptyProfile(model: modelName) }
        var last = first
        for entry in entries {
            if entry.batchSize < first.batchSize { first = entry }
            if entry.batchSize > last.batchSize { last = entry }
        }
        guard batch >= 1, batch <= last.batchSize else {
            throw .batchOutOfRange(model: modelName, batch: batch, maxBatch: last.batchSize)
        }
        if batch <= first.batchSize { return value(first) }
        // Decoded profiles need not be sorted: find the neighbours by a linear search.
        var lower = first
        var upper = last
        for entry in entries {
            if entry.batchSize <= batch, entry.batchSize >= lower.batchSize { lower = entry }
            if entry.batchSize >= batch, entry.batchSize <= upper.batchSize { upper = entry }
        }
        if lower.batchSize == upper.batchSize { return value(lower) }
        let t = Double(batch - lower.batchSize) / Double(upper.batchSize - lower.batchSize)
        return value(lower) + t * (value(upper) - value(lower))
    }
}

extension Double {
    fileprivate func clamped(to limit: Int) -> Double { Swift.min(Swift.max(self, 0), Double(limit)) }
}
