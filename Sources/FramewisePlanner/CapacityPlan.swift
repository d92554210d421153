/// The plan for one stage's model.
public struct ModelPlanRow: Sendable, Codable, Equatable {
    /// Stage name.
    public var stage: String
    /// Model name.
    public var model: String
    /// Requests per second at this stage.
    public var rate: Double
    /// The stage's share of the pipeline SLO, seconds.
    public var latencyBudget: Double
    /// Main batch size (saturated devices' batch, else the shared device's).
    public var batchSize: Int
    /// Instances of the model (saturated devices plus at most one shared).
    public var instances: Int
    /// Devices used, counting a shared device's share fractionally.
    public var devices: Double
    /// Duty cycle of the main batch size, seconds.
    public var dutyCycle: Double
    /// Requests per second the instances can serve.
    public var predictedThroughput: Double
    /// Worst-case latency at this stage, seconds (<= `latencyBudget`).
    public var worstCaseLatency: Double
    /// The full session plan (saturated and residual parts).
    public var session: SessionPlan
}

/// A capacity plan for a pipeline: per-model rows, the devices with their sessions, and how far
/// the device count is from a lower bound.
public struct CapacityPlan: Sendable, Codable, Equatable {
    /// The device planned for.
    public var device: PlannerDevice
    /// Pipeline inputs per second.
    public var rate: Double
    /// End-to-end SLO, seconds.
    public var slo: Double
    /// One row per stage, in pipeline order.
    public var rows: [ModelPlanRow]
    /// Devices with the sessions each runs.
    public var allocations: [GPUAllocation]
    /// Devices (GPUs or CPU workers) the plan uses; on CPU, workers that only decode included.
    public var deviceCount: Int
    /// Worst-case end-to-end latency (<= `slo`): the longest path of stage worst cases, plus the
    /// time an input's burst of requests takes to drain (`burst`).
    public var worstCaseLatency: Double
    /// No plan can use fewer devices: the sum over stages of rate / peak throughput
    /// (`max_b b / l(b)`, ignoring latency), plus decoding's cores on CPU, fractional.
    public var lowerBound: Double
    /// `deviceCount - lowerBound`: devices above the bound.
    public var gapToLowerBound: Double
    /// `deviceCount / lowerBound - 1` (0 when the bound is 0).
    public var relativeGapToLowerBound: Double
    /// The latency split the plan used.
    public var split: LatencySplit
    /// Decoding's cores, when the plan was given a `DecodeCost` (nil: decoding not counted).
    public var decode: DecodePlan?
    /// Sampled frames per video the plan assumed (nil: not recorded).
    public var framesPerVideo: Double?
    /// Seconds per video the plan assumed (nil: not recorded).
    public var videoSeconds: Double?
    /// On CPU, the intra-op threads of one worker (one model instance running one batch at a time).
    public var threadsPerWorker: Int?
    /// What a video's frames arriving together add to the worst case (nil: plans made before it
    /// was modelled, whose worst case assumed requests one by one).
    public var burst: VideoBurst?

    /// Sampled frames per second at the plan's rate (nil when frames per video were not recorded).
    public var framesPerSecond: Double? { framesPerVideo.map { $0 * rate } }

    /// Pipeline inputs per second the plan can serve: the least over stages of a stage's capacity
    /// over its requests per input, and decoding's capacity on CPU workers (nil when no stage has
    /// a rate to scale by, e.g. a plan for rate 0).
    public var predictedCapacity: Double? {
        guard rate > 0 else { return nil }
        var capacities = rows.compactMap { r in r.rate > 0 ? r.predictedThroughput * rate / r.rate : nil }
        if let decode, decode.countedInDevices, decode.secondsPerVideo > 0 { capacities.append(decode.capacity) }
        return capacities.min()
    }
}
