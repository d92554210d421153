import FramewisePlanner
import FramewiseRuntime

/// What to plan: a pipeline file, a rate or a device count, an SLO, and where profiles are.
public struct PlanRequest: Sendable, Equatable {
    /// The pipeline file (profiles and the decode profile are looked up beside it and its models).
    public var pipelinePath: String
    /// Videos per second to plan for; nil with `devices`.
    public var rate: Double?
    /// Instead of a rate: plan the highest rate this many devices serve.
    public var devices: Int?
    /// End-to-end latency SLO, seconds.
    public var slo: Double
    /// Also read profiles from every JSON file in this folder.
    public var profilesDirectory: String?
    /// Device to plan for (nil: this machine).
    public var device: String?
    /// GPU or CPU (nil: CPU for names starting with "cpu").
    public var deviceKind: PlannerDevice.Kind?
    /// Crops per parent item of crop stages, by stage.
    public var fanout: [String: Double] = [:]
    /// Seconds per video (nil: the decode profile's mean, else 10).
    public var videoSeconds: Double?
    /// Frame rate of the source videos (every-frame and every-N sampling).
    public var sourceFPS: Double = 30
    /// The latency statistic to plan with.
    public var statistic: LatencyStatistic = .p99
    /// On CPU, keep pre- and post-processing out of the workers' batch latency.
    public var perItemOffDevice = false
    /// Do not count decoding.
    public var noDecode = false
    /// Device of the decode profile (nil: the plan's device on CPU, this machine for GPUs).
    public var decodeDevice: String?

    public init(pipelinePath: String, rate: Double? = nil, devices: Int? = nil, slo: Double) {
        self.pipelinePath = pipelinePath
        self.rate = rate
        self.devices = devices
        self.slo = slo
    }

    /// The device name planned for.
    public var deviceName: String { device ?? DeviceName.local() }
    /// CPU or GPU.
    public var kind: PlannerDevice.Kind { deviceKind ?? (deviceName.lowercased().hasPrefix("cpu") ? .cpu : .gpu) }
}

/// A plan with what a reader needs to trust it: the per-stage rates it assumed and notes on
/// every assumption and input (profiles, decode cost, video length, a worker's threads).
public struct PlanOutcome: Sendable {
    /// The pipeline's name.
    public var pipeline: String
    public var plan: CapacityPlan
    public var rates: StageRates
    /// Warnings that did not stop the plan (e.g. files skipped).
    public var warnings: [String]
    /// The readable table.
    public var text: String { PlanTable.text(plan, pipeline: pipeline, rates: rates, videoRate: plan.rate) }
}
