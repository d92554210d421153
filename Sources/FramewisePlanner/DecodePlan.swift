/// Part of a CPU worker given to decoding.
public struct DecodeShare: Sendable, Codable, Equatable {
    /// Worker index: an inference worker's `GPUAllocation.index`, or a worker past them that only
    /// decodes.
    public var worker: Int
    /// Cores of that worker decoding takes (0...1).
    public var cores: Double
}

/// How a plan provides for decoding (see `DecodeCost`).
///
/// On CPU workers decoding competes with inference for the same cores: decoder threads are
/// time-sliced fairly with the inference threads, so every worker gives an equal share of its core
/// to decoding and runs its models that much slower (see `Planner.plan`); workers without models
/// count in the plan's device count too. On GPUs, decoding runs on the host's CPU cores: the plan
/// reports the cores beside the GPUs and does not count them as devices.
public struct DecodePlan: Sendable, Codable, Equatable {
    /// Videos per second to decode.
    public var rate: Double
    /// CPU seconds per video.
    public var secondsPerVideo: Double
    /// Sampled frames per video (0 when unknown).
    public var framesPerVideo: Double
    /// Cores decoding needs: `rate * secondsPerVideo`.
    public var cores: Double
    /// True when the cores are part of the plan's devices (CPU plans); false for GPU plans, where
    /// they are CPU cores needed beside the GPUs.
    public var countedInDevices: Bool
    /// Where decoding runs on CPU plans: an equal share of every worker (empty for GPU plans).
    public var shares: [DecodeShare]
    /// Workers without models (CPU plans: they only decode) or host cores (GPU plans, `ceil(cores)`).
    public var dedicatedWorkers: Int
    /// Videos per second decoding can keep up with on the CPU the models leave it, over
    /// `secondsPerVideo` (the rate itself when decoding costs nothing).
    public var capacity: Double

    /// CPU seconds per sampled frame (0 when frames per video are unknown).
    public var secondsPerFrame: Double { framesPerVideo > 0 ? secondsPerVideo / framesPerVideo : 0 }
}
