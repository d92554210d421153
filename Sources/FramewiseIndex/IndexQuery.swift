import Foundation

/// The answer to a class query: the matching frames and what it took.
public struct QueryAnswer: Sendable {
    public var classID: Int
    /// True when the index's specialised head does not know the class, so the candidates are the
    /// clusters whose top-K held OTHER.
    public var viaOther = false
    /// Clusters whose top-K held the class.
    public var candidates: Int
    /// Candidate clusters whose centroid the ground truth confirmed (all candidates without one).
    public var confirmed: Int
    /// Centroids labelled by running the ground truth now, and those read from the cache.
    public var centroidsRun: Int
    public var centroidsCached: Int
    /// Seconds the ground-truth pipeline spent (decode, preprocess, inference, post-process).
    public var groundTruthSeconds: Double
    /// The matching clusters' frames, in video and time order, each with its cluster.
    public var frames: [FrameRef]
}

/// A query for one class: the clusters whose top-K holds it, the ground truth run on their
/// centroids only (cached in the index), and the confirmed clusters' frames.
public enum IndexQuery {
    /// Runs the query; without `groundTruth` every candidate cluster is returned unconfirmed.
    /// `topK`: a smaller K than the index keeps (nil: the index's).
    /// With a specialised index, a class its head does not know is looked up under OTHER.
    public static func run(store: IndexStore, classID: Int, groundTruth: GroundTruthRunner?, topK: Int? = nil) async throws -> QueryAnswer {
        let viaOther = try store.settings()?.specialization.map { !$0.head.knows(classID) } ?? false
        let candidates = try store.candidates(classID: viaOther ? SpecializedHead.otherClassID : classID, topK: topK)
        var confirmed = candidates
        var run = 0, cached = 0
        var seconds = 0.0
        if let gt = groundTruth {
            let centroids = candidates.map(\.centroid)
            var labels = try store.groundTruth(frameIDs: centroids.map(\.frameID), gt: gt.key)
            cached = labels.count
            let missing = centroids.filter { labels[$0.frameID] == nil }
            if !missing.isEmpty {
                let (fresh, s) = try await gt.labels(for: missing)
                try store.saveGroundTruth(fresh, gt: gt.key)
                labels.merge(fresh) { a, _ in a }
                run = fresh.count
                seconds = s
            }
            confirmed = candidates.filter { labels[$0.centroid.frameID]?.classID == classID }
        }
        let frames = try store.frames(ofClusters: confirmed.map(\.clusterID))
        return QueryAnswer(classID: classID, viaOther: viaOther, candidates: candidates.count, confirmed: confirmed.count, centroidsRun: run,
                           centroidsCached: cached, groundTruthSeconds: seconds,
                           frames: frames)
    }
}
