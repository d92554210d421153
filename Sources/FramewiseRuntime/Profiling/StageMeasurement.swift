/// One batch size of one model, as measured by `StageProfiler`.
public struct BatchMeasurement: Sendable, Codable, Equatable {
    /// Batch size.
    public var batchSize: Int
    /// Mean seconds per `run`.
    public var latencyMean: Double
    /// Standard deviation of the seconds per `run`.
    public var latencyStd: Double
    /// 99th percentile (nearest rank) of the seconds per `run`.
    public var latencyP99: Double
    /// Approximate memory the model needs at this batch size, bytes (see `ProcessMemory`).
    public var memoryBytes: Int
    /// Timed runs.
    public var iterations: Int
    /// The input shapes, e.g. `x[4, 3, 32, 32]`.
    public var inputShapes: String

    /// Mean, standard deviation and nearest-rank p99 of `times` (zeros when empty).
    public static func statistics(_ times: [Double]) -> (mean: Double, std: Double, p99: Double) {
        guard !times.isEmpty else { return (0, 0, 0) }
        let mean = times.reduce(0, +) / Double(times.count)
        let variance = times.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(times.count)
        let sorted = times.sorted()
        let rank = Int((0.99 * Double(sorted.count)).rounded(.up)) - 1
        return (mean, variance.squareRoot(), sorted[min(max(rank, 0), sorted.count - 1)])
    }
}

/// What the profiler measured for one model (through the first stage that runs it).
public struct StageMeasurement: Sendable, Equatable {
    /// The pipeline's model name.
    public var modelName: String
    /// Path of the `.onnx` file.
    public var modelPath: String
    /// SHA-256 of the `.onnx` file, hex.
    public var modelHash: String
    /// The stage measured through.
    public var stage: String
    /// Batch sizes in increasing order.
    public var batches: [BatchMeasurement]
    /// Seconds of preprocessing per item (0 for stages fed by tensors).
    public var preprocessSeconds: Double
    /// Seconds of post-processing per item: splitting the batch outputs and the stage's head.
    public var postprocessSeconds: Double
    /// What preprocessing was timed on (a video, a synthetic frame, or nothing).
    public var preprocessSource: String
    /// Intra-op threads the session ran with (0: the backend's default).
    public var intraOpThreads: Int = 0
}
