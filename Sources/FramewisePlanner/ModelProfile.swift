/// Which latency statistic of a profile the planner plans with.
public enum LatencyStatistic: String, Sendable, Codable, CaseIterable {
    /// Mean batch latency: average-case plans.
    case mean
    /// 99th-percentile batch latency: worst-case plans (the default).
    case p99
}

/// Measured cost of one batch size of a model on a device.
public struct BatchProfile: Sendable, Codable, Equatable, Hashable {
    /// Batch size the entry was measured at.
    public var batchSize: Int
    /// Mean batch latency, seconds.
    public var latencyMean: Double
    /// Standard deviation of the batch latency, seconds.
    public var latencyStd: Double
    /// 99th-percentile batch latency, seconds.
    public var latencyP99: Double
    /// Device memory the model needs at this batch size, bytes.
    public var memoryBytes: Int

    public init(batchSize: Int, latencyMean: Double, latencyStd: Double = 0,
                latencyP99: Double? = nil, memoryBytes: Int = 0) {
        self.batchSize = batchSize
        self.latencyMean = latencyMean
        self.latencyStd = latencyStd
        self.latencyP99 = latencyP99 ?? latencyMean
        self.memoryBytes = memoryBytes
    }

    /// The latency for `statistic`.
    public func latency(_ statistic: LatencyStatistic) -> Double {
        switch statistic {
        case .mean: latencyMean
        case .p99: latencyP99
        }
    }
}

/// Latency and memory of one model on one device, by batch size, plus per-item pre- and
/// post-processing time. Profiles are data: measured by the profiler, or written by hand or
/// imported for hardware that is not here. JSON is keyed by `modelHash` and `deviceName`.
public struct ModelProfile: Sendable, Codable, Equatable {
    /// Human-readable model name.
    public var modelName: String
    /// Content hash of the model file; the key profiles are stored under.
    public var modelHash: String
    /// Device the profile was measured on (e.g. "V100", "H100", "cpu-8c").
    public var deviceName: String
    /// Measured batch sizes; need not be contiguous (gaps are interpolated).
    public var entries: [BatchProfile]
    /// Intra-op threads each measurement ran with (nil: not recorded, in profiles from before it was).
    /// On CPU the planner's worker is these threads running one batch at a time.
    public var intraOpThreads: Int?
    /// Pre-processing time per item, seconds (added to every request's latency).
    public var preprocessSeconds: Double
    /// Post-processing time per item, seconds (added to every request's latency).
    public var postprocessSeconds: Double

    public init(modelName: String, modelHash: String = "", deviceName: String,
                entries: [BatchProfile], preprocessSeconds: Double = 0, postprocessSeconds: Double = 0, intraOpThreads: Int? = nil) {
        self.intraOpThreads = intraOpThreads
        self.modelName = modelName
        self.modelHash = modelHash.isEmpty ? modelName : modelHash
        self.deviceName = deviceName
        self.entries = entries.sorted { $0.batchSize < $1.batchSize }
        self.preprocessSeconds = preprocessSeconds
        self.postprocessSeconds = postprocessSeconds
    }

    /// The key a profile is stored under: `"<modelHash>@<deviceName>"`.
    public var key: String { "\(modelHash)@\(deviceName)" }

    /// Pre- plus post-processing time per item, seconds.
    public var perItemOverhead: Double { preprocessSeconds + postprocessSeconds }
}
