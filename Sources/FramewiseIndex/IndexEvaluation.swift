import Foundation

/// One sampled frame as the evaluation sees it: the cheap model's top classes (the most K swept)
/// and feature, and the ground truth's top-1 class on the same frame.
public struct EvaluationFrame: Sendable {
    public var video: String
    public var time: Double
    public var topK: [ClassScore]
    public var feature: [Float]
    public var groundTruth: Int?

    public init(video: String, time: Double, topK: [ClassScore], feature: [Float], groundTruth: Int?) {
        self.video = video
        self.time = time
        self.topK = topK
        self.feature = feature
        self.groundTruth = groundTruth
    }
}

/// Recall, precision and query cost of one class at one (K, T).
public struct ClassFigures: Sendable, Codable, Equatable {
    public var classID: Int
    public var label: String
    /// Frames whose ground truth is the class.
    public var truthFrames: Int
    public var answerFrames: Int
    public var recall: Double
    public var precision: Double
    /// Candidate clusters (centroids the ground truth runs on).
    public var candidates: Int
    /// GT runs of the query against GT on every frame (candidates / frames).
    public var queryCost: Double
}

/// Figures of one (K, T) point, over the evaluated classes.
public struct EvaluationPoint: Sendable, Codable, Equatable {
    public var k: Int
    public var threshold: Float
    public var clusters: Int
    public var minRecall: Double
    public var meanRecall: Double
    public var meanPrecision: Double
    /// Mean over classes of the query's GT runs against GT on every frame.
    public var meanQueryCost: Double
    public var classes: [ClassFigures]
}

/// The `index-eval` computation, pure: for each threshold the frames are clustered per video as the
/// index does; for each K a class's query takes the clusters whose members' top-K hold it, runs the
/// GT on their centroids (here: the centroid's known GT label) and answers the confirmed clusters'
/// frames; recall and precision are against the GT on every frame.
public enum IndexEvaluation {
    public static func evaluate(frames: [EvaluationFrame], ks: [Int], thresholds: [Float], classes: [Int], labels: [String],
                                clustering: ClusteringConfiguration) -> [EvaluationPoint] {
        var byVideo: [String: [Int]] = [:]
        var videos: [String] = []
        for (i, f) in frames.enumerated() {
            if byVideo[f.video] == nil { videos.append(f.video) }
            byVideo[f.video, default: []].append(i)
        }
        var points: [EvaluationPoint] = []
        for t in thresholds {
            var config = clustering
            config.threshold = t
            var clusters: [(members: [Int], centroid: Int)] = []
            for video in videos {
                let ids = (byVideo[video] ?? []).sorted { frames[$0].time < frames[$1].time }
                var clusterer = IncrementalClusterer(configuration: config)
                for id in ids { clusterer.add(id: id, time: frames[id].time, feature: frames[id].feature) }
                clusters += clusterer.finish().map { ($0.members, $0.centroid) }
            }
            for k in ks {
                let figures = classes.map { c in
                    figuresFor(class: c, k: k, frames: frames, clusters: clusters, label: c < labels.count ? labels[c] : String(c))
                }
                let recalls = figures.map(\.recall)
                points.append(EvaluationPoint(
                    k: k, threshold: t, clusters: clusters.count, minRecall: recalls.min() ?? 0,
                    meanRecall: mean(recalls), meanPrecision: mean(figures.map(\.precision)),
                    meanQueryCost: mean(figures.map(\.queryCost)), classes: figures))
            }
        }
        return points
    }

    static func figuresFor(class c: Int, k: Int, frames: [EvaluationFrame], clusters: [(members: [Int], centroid: Int)], label: String) -> ClassFigures {
        let truth = Set(frames.indices.filter { frames[$0].groundTruth == c })
        var answer = Set<Int>()
        var candidates = 0
        for cluster in clusters where cluster.members.contains(where: { frames[$0].topK.prefix(k).contains { $0.classID == c } }) {
            candidates += 1
            if frames[cluster.centroid].groundTruth == c { answer.formUnion(cluster.members) }
        }
        let hit = Double(truth.intersection(answer).count)
        return ClassFigures(classID: c, label: label, truthFrames: truth.count, answerFrames: answer.count,
                            recall: truth.isEmpty ? 1 : hit / Double(truth.count), precision: answer.isEmpty ? 1 : hit / Double(answer.count),
                            candidates: candidates, queryCost: frames.isEmpty ? 0 : Double(candidates) / Double(frames.count))
    }

    /// The cheapest point (lowest mean query cost, then fewer clusters) whose every class reaches
    /// `recallTarget`; nil when none does.
    public static func cheapest(_ points: [EvaluationPoint], recallTarget: Double) -> EvaluationPoint? {
        points.filter { $0.minRecall >= recallTarget }.min {
            ($0.meanQueryCost, $0.clusters, $0.k) < ($1.meanQueryCost, $1.clusters, $1.k)
        }
    }

    /// The K a query on an index built with `threshold` and `maxK` should use for `recallTarget`: the
    /// cheapest calibrated point at that threshold with K <= maxK whose every class reached the target.
    public static func queryK(_ points: [EvaluationPoint], threshold: Float, maxK: Int, recallTarget: Double) -> Int? {
        cheapest(points.filter { abs($0.threshold - threshold) < 1e-6 && $0.k <= maxK }, recallTarget: recallTarget)?.k
    }

    /// Classes whose ground truth holds at least `minFrames` frames, most frequent first.
    public static func frequentClasses(_ frames: [EvaluationFrame], minFrames: Int) -> [Int] {
        var counts: [Int: Int] = [:]
        for f in frames { if let g = f.groundTruth { counts[g, default: 0] += 1 } }
        return counts.filter { $0.value >= minFrames }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
    }

    static func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
}
