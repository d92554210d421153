/// Profiles are data shared by the profiler (which measures them), the planner (which plans
/// with them) and the files they are stored in.

/// Measured cost of one batch size of a model on a device.
public struct BatchProfile: Sendable, Codable, Equatable, Hashable {
    /// Mean, standard deviation and nearest-rank p99 of `times` (zeros when empty).
    public static func statistics(_ times: [Double]) -> (mean: Double, std: Double, p99: Double) {
        guard !times.isEmpty else { return (0, 0, 0) }
        let mean = times.reduce(0, +) / Double(times.count)
        let variance = times.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(times.count)
        let sorted = times.sorted()
        let rank = Int((0.99 * Double(sorted.count)).rounded(.up)) - 1
        return (mean, variance.squareRoot(), sorted[min(max(rank, 0), sorted.count - 1)])
    }

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
    /// Timed runs behind the figures (nil: not recorded, e.g. a hand-written profile).
    public var iterations: Int?
    /// The input shapes measured with, e.g. `x[4, 3, 32, 32]` (nil: not recorded).
    public var inputShapes: String?

    public init(batchSize: Int, latencyMean: Double, latencyStd: Double = 0,
                latencyP99: Double? = nil, memoryBytes: Int = 0, iterations: Int? = nil, inputShapes: String? = nil) {
        self.iterations = iterations
        self.inputShapes = inputShapes
        self.batchSize = batchSize
        self.latencyMean = latencyMean
        self.latencyStd = latencyStd
        self.latencyP99 = latencyP99 ?? latencyMean
        self.memoryBytes = memoryBytes
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
