import FramewiseCore

/// What the profiler measured for one model (through the first stage that runs it): the model's
/// profile, plus where the model lives and what preprocessing was timed on.
public struct StageMeasurement: Sendable, Equatable {
    /// The profile, as saved and planned with.
    public var profile: ModelProfile
    /// Path of the `.onnx` file.
    public var modelPath: String
    /// The stage measured through.
    public var stage: String
    /// What preprocessing was timed on (a video, a synthetic frame, or nothing).
    public var preprocessSource: String

    /// The pipeline's model name.
    public var modelName: String { profile.modelName }
    /// SHA-256 of the `.onnx` file, hex.
    public var modelHash: String { profile.modelHash }
    /// Batch sizes in increasing order.
    public var batches: [BatchProfile] { profile.entries }
    /// Seconds of preprocessing per item (0 for stages fed by tensors).
    public var preprocessSeconds: Double { profile.preprocessSeconds }
    /// Seconds of post-processing per item: splitting the batch outputs and the stage's head.
    public var postprocessSeconds: Double { profile.postprocessSeconds }
}
