/// How frames are grouped: a frame joins the nearest open cluster whose mean lies closer than
/// `threshold`, else it starts a new cluster; a cluster closes once it holds `maxSize` frames or
/// spans `maxSpan` seconds.
public struct ClusteringConfiguration: Sendable, Equatable, Codable {
    /// Distance (between L2-normalised features, 0...2) below which a frame may join a cluster.
    /// 0 puts every frame in a cluster of its own.
    public var threshold: Float
    /// Most frames in one cluster.
    public var maxSize: Int
    /// Longest time from a cluster's first frame to its last, in seconds.
    public var maxSpan: Double

    public init(threshold: Float = 0.3, maxSize: Int = 200, maxSpan: Double = 30) {
        self.threshold = threshold
        self.maxSize = maxSize
        self.maxSpan = maxSpan
    }
}

/// A finished cluster: its members (the ids given to `add`, in arrival order) and its centroid,
/// the member nearest the members' mean feature.
public struct FrameCluster: Sendable, Equatable {
    public var members: [Int]
    public var centroid: Int
    public var startTime: Double
    public var endTime: Double

    public init(members: [Int], centroid: Int, startTime: Double, endTime: Double) {
        self.members = members
        self.centroid = centroid
        self.startTime = startTime
        self.endTime = endTime
    }
}

/// Incremental clustering of one stream's frames (pure state machine): feed frames in time order
/// with `add`, then `finish` for every cluster, in order of their first frame.
public struct IncrementalClusterer: Sendable {
    public let configuration: ClusteringConfiguration

    private struct Open: Sendable {
        var ids: [Int]
        var features: [[Float]]
        var sum: [Float]
        var start: Double
        var end: Double
        var mean: [Float] { sum.map { $0 / Float(ids.count) } }
    }

    private var open: [Open] = []
    private var closed: [(first: Int, cluster: FrameCluster)] = []

    public init(configuration: ClusteringConfiguration) {
        self.configuration = configuration
    }

    /// Adds frame `id` (ids increase with time) at `time` with `feature` (already normalised).
    public mutating func add(id: Int, time: Double, feature: [Float]) {
        closeExpired(at: time)
        var best: (index: Int, distance: Float)?
        for (i, c) in open.enumerated() {
            let d = FeatureVector.distance(c.mean, feature)
            if d < configuration.threshold, d < (best?.distance ?? .infinity) { best = (i, d) }
        }
        if let best {
            open[best.index].ids.append(id)
            open[best.index].features.append(feature)
            for j in feature.indices { open[best.index].sum[j] += feature[j] }
            open[best.index].end = time
            if open[best.index].ids.count >= configuration.maxSize { close(best.index) }
        } else {
            open.append(Open(ids: [id], features: [feature], sum: feature, start: time, end: time))
            if configuration.maxSize <= 1 { close(open.count - 1) }
        }
    }

    /// Closes every open cluster and returns all clusters, ordered by their first member's id.
    public mutating func finish() -> [FrameCluster] {
        while !open.isEmpty { close(open.count - 1) }
        let all = closed.sorted { $0.first < $1.first }.map(\.cluster)
        closed = []
        return all
    }

    /// Clusters that can take no frame at `time` any more (their span would exceed the cap) close.
    private mutating func closeExpired(at time: Double) {
        var i = 0
        while i < open.count {
            if time - open[i].start > configuration.maxSpan { close(i) } else { i += 1 }
        }
    }

    private mutating func close(_ index: Int) {
        let c = open.remove(at: index)
        let mean = c.mean
        var centroid = 0
        var nearest = Float.infinity
        for (i, f) in c.features.enumerated() {
            let d = FeatureVector.distance(f, mean)
            if d < nearest { nearest = d; centroid = i }
        }
        closed.append((first: c.ids[0], cluster: FrameCluster(members: c.ids, centroid: c.ids[centroid], startTime: c.start, endTime: c.end)))
    }
}
