/// How an index is built, fixed when it is created: which stage and outputs of the index pipeline
/// it reads, how many classes it keeps per frame, how it clusters; and the class names, if known.
public struct IndexSettings: Sendable, Equatable, Codable {
    /// Classes kept per frame (the frame's top-K).
    public var topK: Int
    public var clustering: ClusteringConfiguration
    /// The stage whose outputs are read (nil: the pipeline's first stage).
    public var stage: String?
    /// The output holding class scores (logits, or probabilities with `softmax` off).
    public var scoresOutput: String
    /// The output holding the feature vector (e.g. the pooled penultimate layer).
    public var featuresOutput: String
    /// Whether scores are logits to softmax.
    public var softmax: Bool
    /// Class names by id (empty: ids only).
    public var labels: [String]
    /// Focus' specialised head (nil: the cheap model's own top-K is stored).
    public var specialization: IndexSpecialization?

    public init(topK: Int = 5, clustering: ClusteringConfiguration = ClusteringConfiguration(), stage: String? = nil,
                scoresOutput: String = "logits", featuresOutput: String = "features", softmax: Bool = true, labels: [String] = []) {
        self.topK = topK
        self.clustering = clustering
        self.stage = stage
        self.scoresOutput = scoresOutput
        self.featuresOutput = featuresOutput
        self.softmax = softmax
        self.labels = labels
    }
}

/// A specialised head as an index keeps it: the head, the ground truth that labelled its training
/// frames, and what training cost. Every frame added to the index stores the head's top-K.
public struct IndexSpecialization: Sendable, Equatable, Codable {
    public var head: SpecializedHead
    /// The ground-truth pipeline's key (`GroundTruthRunner.key`).
    public var groundTruth: String
    /// Frames the ground truth labelled to train the head, and its seconds (part of the ingest cost).
    public var trainFrames: Int
    public var groundTruthSeconds: Double

    public init(head: SpecializedHead, groundTruth: String, trainFrames: Int, groundTruthSeconds: Double) {
        self.head = head
        self.groundTruth = groundTruth
        self.trainFrames = trainFrames
        self.groundTruthSeconds = groundTruthSeconds
    }
}
