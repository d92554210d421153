import FramewiseCore
import FramewisePlanner

/// What a configuration did on the held-out videos.
public struct MeasuredConfiguration: Sendable, Codable, Equatable {
    public var videos: Int
    /// The search's prediction for these videos: decode cost measured on them, each stage's cost per
    /// item from its profile plus the engine's overhead per frame (measured on the search videos),
    /// times the frames these videos gave (core-seconds per video).
    public var predictedCostPerVideo: Double
    /// The search's per-video latency for these videos, one alone (`TunePlan.videoLatency` at their
    /// frames and decode cost), seconds; nil in reports written before it was predicted.
    public var predictedVideoLatency: Double?
    /// Process CPU seconds per video (decode, inference, everything).
    public var costPerVideo: Double
    public var dollarsPer1000Videos: Double?
    public var videosPerSecond: Double
    public var framesPerVideo: Double
    /// Per-frame latency from a decoded frame, seconds (p50, p99), all held-out videos submitted at once.
    public var frameLatencyP50: Double?
    public var frameLatencyP99: Double?
    /// Per-video latency, seconds (p50, p99), each held-out video run alone (what `TunePlan.videoLatency` predicts).
    public var videoLatencyP50: Double?
    public var videoLatencyP99: Double?
    /// Against the reference run on the same videos: summary fields, and frames per stage.
    public var summaryAgreement: Double
    public var stageAgreement: [String: Double]
}

/// What `framewise tune` found: the split, every candidate measured, the reference and tuned
/// configurations predicted and measured, the fall-backs verification made, and the tuned YAML.
public struct TuneReport: Sendable, Codable {
    public var pipeline: String
    public var seed: UInt64
    public var target: TuneTarget
    public var searchVideos: [String]
    public var heldOutVideos: [String]
    public var stages: [TuneStage]
    public var samplings: [TuneSampling]
    public var reference: TunePlan
    public var tuned: TunePlan
    public var measuredReference: MeasuredConfiguration
    public var measuredTuned: MeasuredConfiguration
    /// What verification refused, in order (`stage: candidate (measured agreement)`).
    public var fallbacks: [String]
    public var notes: [String]
    public var tunedYAML: String
}
