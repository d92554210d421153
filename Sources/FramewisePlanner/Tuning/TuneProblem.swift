import FramewiseCore

/// One way a stage's model can run: a registered variant at an input size with some intra-op
/// threads, its profile (latency against batch size, measured that way) and its accuracy against
/// the reference configuration (the fraction of held-out frames whose outputs agree).
public struct TuneCandidate: Sendable, Codable, Equatable {
    /// `original` or a registered variant.
    public var variant: String
    /// Input size `[width, height]` (nil: as the pipeline writes it).
    public var inputSize: [Int]?
    /// Set: each batch as wide as its widest item, in multiples of this (`preprocess.dynamic_width`);
    /// the profile is then measured at the width batches of the search videos had on average.
    public var dynamicWidth: Int?
    /// Set (with `dynamicWidth`): each batch also as high as its highest item (`preprocess.dynamic_size`).
    public var dynamicHeight: Int?
    public var threads: Int
    /// Measured with `threads` intra-op threads; per-item pre/post-processing included.
    public var profile: ModelProfile
    /// Fraction of held-out frames (or crops) whose head output agrees with the reference's, 0...1.
    public var agreement: Double

    public init(variant: String, inputSize: [Int]? = nil, dynamicWidth: Int? = nil, dynamicHeight: Int? = nil, threads: Int = 1,
                profile: ModelProfile, agreement: Double) {
        self.variant = variant
        self.inputSize = inputSize
        self.dynamicWidth = dynamicWidth
        self.dynamicHeight = dynamicHeight
        self.threads = threads
        self.profile = profile
        self.agreement = agreement
    }

    /// A short name, e.g. `int8@256x192/t1`, `original~32/t1` (dynamic width in multiples of 32),
    /// `original~32x~32/t1` (dynamic width and height).
    public var label: String {
        Self.label(variant: variant, inputSize: inputSize, dynamicWidth: dynamicWidth, dynamicHeight: dynamicHeight, threads: threads)
    }

    /// The short name of a configuration of a stage's model (a candidate's, or a choice's).
    public static func label(variant: String, inputSize: [Int]?, dynamicWidth: Int?, dynamicHeight: Int? = nil, threads: Int) -> String {
        outputLabel(variant: variant, inputSize: inputSize, dynamicWidth: dynamicWidth, dynamicHeight: dynamicHeight) + "/t\(threads)"
    }

    /// The label without the threads, which do not change what the model outputs, e.g. `int8@256x192`.
    public var outputLabel: String {
        Self.outputLabel(variant: variant, inputSize: inputSize, dynamicWidth: dynamicWidth, dynamicHeight: dynamicHeight)
    }

    static func outputLabel(variant: String, inputSize: [Int]?, dynamicWidth: Int?, dynamicHeight: Int? = nil) -> String {
        variant + (inputSize.map { "@" + $0.map(String.init).joined(separator: "x") } ?? "") + (dynamicWidth.map { "~\($0)" } ?? "")
            + (dynamicHeight.map { "x~\($0)" } ?? "")
    }
}

/// A stage to tune: where it sits in the DAG, how many items it gets per sampled frame, the
/// candidates it may run, and which of them (with which batch limit) is the pipeline as written.
public struct TuneStage: Sendable, Codable, Equatable {
    public var name: String
    /// Stages it waits for.
    public var inputs: [String]
    /// Items per sampled frame (1 for frame stages; the measured crops per frame for crop stages).
    public var itemsPerFrame: Double
    public var candidates: [TuneCandidate]
    /// The reference configuration: index into `candidates` and its batch limit.
    public var defaultCandidate: Int
    public var defaultBatch: Int

    public init(name: String, inputs: [String] = [], itemsPerFrame: Double = 1, candidates: [TuneCandidate],
                defaultCandidate: Int = 0, defaultBatch: Int) {
        self.name = name
        self.inputs = inputs
        self.itemsPerFrame = itemsPerFrame
        self.candidates = candidates
        self.defaultCandidate = defaultCandidate
        self.defaultBatch = defaultBatch
    }
}

/// A per-pipeline sampling choice: frames per video it keeps, what decoding them costs and how
/// well the per-video summaries agree with the reference sampling's.
public struct TuneSampling: Sendable, Codable, Equatable {
    /// As written in a pipeline (e.g. `{fps: 1}`).
    public var policy: String
    public var framesPerVideo: Double
    /// Decode CPU seconds per video.
    public var decodeSeconds: Double
    /// Fraction of summary fields (over held-out videos) that agree with the reference, 0...1.
    public var agreement: Double

    public init(policy: String, framesPerVideo: Double, decodeSeconds: Double = 0, agreement: Double) {
        self.policy = policy
        self.framesPerVideo = framesPerVideo
        self.decodeSeconds = decodeSeconds
        self.agreement = agreement
    }
}

/// What to tune for: a per-frame latency target (from a decoded frame to its last stage, as
/// `plan --slo` counts it), an accuracy floor, an optional rate (sizes instances) and a price.
public struct TuneTarget: Sendable, Codable, Equatable {
    public var latency: Double
    public var minAgreement: Double
    /// Videos per second to size instances for (nil: one instance per stage).
    public var rate: Double?
    /// Dollars per core-hour (nil: no dollar figures).
    public var pricePerCoreHour: Double?
    public var statistic: LatencyStatistic

    public init(latency: Double, minAgreement: Double, rate: Double? = nil, pricePerCoreHour: Double? = nil, statistic: LatencyStatistic = .p99) {
        self.latency = latency
        self.minAgreement = minAgreement
        self.rate = rate
        self.pricePerCoreHour = pricePerCoreHour
        self.statistic = statistic
    }
}
