/// One frame as the index keeps it: where it is in its video, its top-K classes and its
/// normalised feature vector.
public struct IndexedFrame: Sendable, Equatable {
    /// Sample number within the video (the engine's frame `index`).
    public var sampleIndex: Int
    /// The frame's number in the stream (every frame counted), when known.
    public var sourceIndex: Int?
    /// Seconds from the stream start.
    public var time: Double
    public var topK: [ClassScore]
    public var feature: [Float]

    public init(sampleIndex: Int, sourceIndex: Int?, time: Double, topK: [ClassScore], feature: [Float]) {
        self.sampleIndex = sampleIndex
        self.sourceIndex = sourceIndex
        self.time = time
        self.topK = topK
        self.feature = feature
    }
}

/// One video ready to be stored: its frames in time order and its clusters, whose members are
/// positions in `frames`.
public struct IndexedVideo: Sendable {
    public var path: String
    public var frames: [IndexedFrame]
    public var clusters: [FrameCluster]
    /// Seconds the index pipeline spent on this video (decode, preprocess, inference, post-process).
    public var cheapSeconds: Double

    public init(path: String, frames: [IndexedFrame], clusters: [FrameCluster], cheapSeconds: Double = 0) {
        self.path = path
        self.frames = frames
        self.clusters = clusters
        self.cheapSeconds = cheapSeconds
    }

    /// Clusters `frames` (in time order) with `configuration`.
    public static func clustered(path: String, frames: [IndexedFrame], configuration: ClusteringConfiguration, cheapSeconds: Double = 0) -> IndexedVideo {
        var clusterer = IncrementalClusterer(configuration: configuration)
        for (i, f) in frames.enumerated() { clusterer.add(id: i, time: f.time, feature: f.feature) }
        return IndexedVideo(path: path, frames: frames, clusters: clusterer.finish(), cheapSeconds: cheapSeconds)
    }
}

/// A stored frame, as queries return it.
public struct FrameRef: Sendable, Equatable, Hashable {
    public var frameID: Int64
    public var video: String
    public var sampleIndex: Int
    public var sourceIndex: Int?
    public var time: Double
    /// The cluster the frame belongs to.
    public var clusterID: Int64
}

/// A cluster a query considers: its centroid frame and the best score its members gave the class.
public struct CandidateCluster: Sendable, Equatable {
    public var clusterID: Int64
    public var centroid: FrameRef
    public var size: Int
    public var bestScore: Float
}

/// The ground-truth label of one frame (its top-1 class), as cached in the index.
public struct GroundTruthLabel: Sendable, Equatable {
    public var classID: Int?
    public var label: String
    public var score: Float

    public init(classID: Int?, label: String, score: Float) {
        self.classID = classID
        self.label = label
        self.score = score
    }
}
