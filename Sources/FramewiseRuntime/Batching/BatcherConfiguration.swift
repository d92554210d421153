/// Knobs of one model's `AdaptiveBatcher`: plain configuration, like Triton's `dynamic_batching`.
public struct BatcherConfiguration: Sendable, Equatable {
    /// How the batcher decides to fire before a batch is full.
    public enum Mode: String, Sendable, Equatable, Codable {
        /// Fire when full, when the oldest request waited `maxQueueDelay`, or for a deadline.
        case fixed
        /// As `fixed`, and also earlier when waiting would not raise throughput: the queued size
        /// already keeps up with the observed arrival rate, or no further arrival is expected
        /// before the batch would have to fire anyway.
        case adaptive
    }

    /// Largest batch the model accepts. Default 8.
    public var maxBatchSize: Int
    /// Longest a request waits for companions while an instance is free (Triton's
    /// `max_queue_delay_microseconds`, Ray Serve's `batch_wait_timeout_s`). Default 5 ms.
    public var maxQueueDelay: Duration
    /// Sizes the model runs best at (TensorRT profiles, padded shapes). Default empty: any size.
    /// The largest one (clamped to `maxBatchSize`) fires at once in place of `maxBatchSize`; in
    /// adaptive mode the throughput rule fires only at one of these sizes. Max-delay, deadline
    /// and no-arrival fires take whatever is queued (Triton does the same).
    public var preferredBatchSizes: [Int]
    /// Fixed or adaptive policy. Default `.adaptive`.
    public var mode: Mode
    /// Prior for the latency model, e.g. from a profile (`BatchLatencyModel(a:b:)`). Default nil:
    /// learned from completed batches only.
    public var latencySeed: BatchLatencyModel?
    /// Utilization the adaptive rule aims below, in (0, 1]: a batch size "keeps up" when the
    /// instances would be busy at most this fraction of the time. Default 0.8.
    public var targetUtilization: Double
    /// Name for errors and metrics (usually the model's). Default "batcher".
    public var name: String

    /// A configuration; every argument has the documented default.
    public init(
        maxBatchSize: Int = 8,
        maxQueueDelay: Duration = .milliseconds(5),
        preferredBatchSizes: [Int] = [],
        mode: Mode = .adaptive,
        latencySeed: BatchLatencyModel? = nil,
        targetUtilization: Double = 0.8,
        name: String = "batcher"
    ) {
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.preferredBatchSizes = preferredBatchSizes
        self.mode = mode
        self.latencySeed = latencySeed
        self.targetUtilization = targetUtilization
        self.name = name
    }

    /// The size that fires at once: the largest preferred size, or `maxBatchSize`; at least 1.
    public var fullBatchSize: Int {
        let limit = max(1, maxBatchSize)
        let preferred = preferredBatchSizes.filter { $0 >= 1 && $0 <= limit }.max()
        return preferred ?? limit
    }

    /// Whether the throughput rule may fire a batch of `size`.
    func isPreferred(_ size: Int) -> Bool {
        preferredBatchSizes.isEmpty || preferredBatchSizes.contains(size)
    }
}
