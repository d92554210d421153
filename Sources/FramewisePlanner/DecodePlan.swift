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
/// On CPU workers decoding competes with inference for the same cores: it takes the idle part of
/// the inference workers first (the time their duty cycles leave free), then workers of its own,
/// and those count in the plan's device count. On GPUs, decoding runs on the host's CPU cores:
/// the plan reports the cores beside the GPUs and does not count them as devices.
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
    /// Where decoding runs on CPU plans (empty for GPU plans).
    public var shares: [DecodeShare]
    /// Workers (CPU plans) or cores (GPU plans, `ceil(cores)`) that do nothing but decode.
    public var dedicatedWorkers: Int
    /// Videos per second decoding can keep up with on what the plan leaves it: the idle part of
    /// every inference worker plus the dedicated workers, over `secondsPerVideo` (0 when decoding
    /// costs nothing and no rate is planned).
    public var capacity: Double

    /// CPU seconds per sampled frame (0 when frames per video are unknown).
    public var secondsPerFrame: Double { framesPerVideo > 0 ? secondsPerVideo / framesPerVideo : 0 }
}
