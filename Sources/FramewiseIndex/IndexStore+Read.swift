import Foundation
import GRDB

/// Totals of an index.
public struct IndexSummary: Sendable, Equatable {
    public var videos: Int
    public var frames: Int
    public var clusters: Int
    /// Size of the SQLite file in bytes.
    public var bytes: Int
    /// Seconds the index pipeline spent on all its videos.
    public var cheapSeconds: Double
}

extension IndexStore {
    /// Counts and the file's size.
    public func summary() throws(IndexError) -> IndexSummary {
        let counts = try read { db -> (Int, Int, Int, Double) in
            let v = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM videos") ?? 0
            let f = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM frames") ?? 0
            let c = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM clusters") ?? 0
            let s = try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(cheap_seconds), 0) FROM videos") ?? 0
            return (v, f, c, s)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return IndexSummary(videos: counts.0, frames: counts.1, clusters: counts.2, bytes: bytes, cheapSeconds: counts.3)
    }

    /// The indexed videos' paths, in the order they were added.
    public func videos() throws(IndexError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT path FROM videos ORDER BY id") }
    }

    /// Clusters whose members' top-K hold `classID` (with at least `minScore`), each with its
    /// centroid frame, in video and time order. `topK`: a smaller K than the index keeps (nil: the index's).
    public func candidates(classID: Int, minScore: Float = 0, topK: Int? = nil) throws(IndexError) -> [CandidateCluster] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id AS cluster_id, c.size, cc.best_score, f.id AS frame_id, v.path, f.sample_index, f.source_index, f.time
                FROM cluster_classes cc
                JOIN clusters c ON c.id = cc.cluster_id
                JOIN frames f ON f.id = c.centroid_frame_id
                JOIN videos v ON v.id = c.video_id
                WHERE cc.class_id = ? AND cc.best_score >= ? AND cc.best_rank < ?
                ORDER BY v.id, c.start_time, c.id
                """, arguments: [classID, Double(minScore), topK ?? Int(Int32.max)]).map { row in
                CandidateCluster(clusterID: row["cluster_id"], centroid: Self.frame(row), size: row["size"], bestScore: Float(row["best_score"] as Double))
            }
        }
    }

    /// The frames of `clusters`, in video and time order.
    public func frames(ofClusters clusters: [Int64]) throws(IndexError) -> [FrameRef] {
        guard !clusters.isEmpty else { return [] }
        return try read { db in
            let ids = clusters.map(String.init).joined(separator: ",")
            return try Row.fetchAll(db, sql: """
                SELECT f.id AS frame_id, f.cluster_id, v.path, f.sample_index, f.source_index, f.time
                FROM frames f JOIN videos v ON v.id = f.video_id
                WHERE f.cluster_id IN (\(ids))
                ORDER BY v.id, f.time, f.id
                """).map(Self.frame)
        }
    }

    /// Every frame of every video with its top-K classes and cluster, in video and time order (for evaluation).
    public func allFrames() throws(IndexError) -> [(frame: FrameRef, topK: [ClassScore])] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.id AS frame_id, v.path, f.sample_index, f.source_index, f.time, f.cluster_id, f.top_classes
                FROM frames f JOIN videos v ON v.id = f.video_id ORDER BY v.id, f.time, f.id
                """).map { row in (Self.frame(row), Self.decode(row["top_classes"])) }
        }
    }

    /// The stored (float16) feature of a frame.
    public func feature(frameID: Int64) throws(IndexError) -> [Float]? {
        let data: Data? = try read { db in try Data.fetchOne(db, sql: "SELECT feature FROM frames WHERE id = ?", arguments: [frameID]) }
        return data.map(FeatureVector.fromFloat16Blob)
    }

    /// Cached ground-truth labels of `frameIDs` under the GT pipeline's key (missing ones are absent).
    public func groundTruth(frameIDs: [Int64], gt: String) throws(IndexError) -> [Int64: GroundTruthLabel] {
        guard !frameIDs.isEmpty else { return [:] }
        return try read { db in
            var out: [Int64: GroundTruthLabel] = [:]
            for chunk in stride(from: 0, to: frameIDs.count, by: 500) {
                let ids = frameIDs[chunk..<min(chunk + 500, frameIDs.count)].map(String.init).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT frame_id, class_id, label, score FROM gt_labels WHERE gt = ? AND frame_id IN (\(ids))",
                                            arguments: [gt]) {
                    out[row["frame_id"]] = GroundTruthLabel(classID: row["class_id"], label: row["label"], score: Float(row["score"] as Double))
                }
            }
            return out
        }
    }

    static func frame(_ row: Row) -> FrameRef {
        FrameRef(frameID: row["frame_id"], video: row["path"], sampleIndex: row["sample_index"], sourceIndex: row["source_index"], time: row["time"],
                 clusterID: row["cluster_id"])
    }
}
