import Foundation
import GRDB

extension IndexStore {
    /// The settings the index was created with (nil: a new, empty index).
    public func settings() throws(IndexError) -> IndexSettings? {
        let text: String? = try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'settings'") }
        guard let text else { return nil }
        do { return try JSONDecoder().decode(IndexSettings.self, from: Data(text.utf8)) } catch {
            throw .storage(path: path, message: "unreadable settings: \(error)")
        }
    }

    /// Records the settings (once, when the index is created; later calls replace them).
    public func saveSettings(_ settings: IndexSettings) throws(IndexError) {
        let text: String
        do { text = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self) } catch {
            throw .storage(path: path, message: "\(error)")
        }
        try write { db in try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('settings', ?)", arguments: [text]) }
    }

    /// Adds one video (replacing an earlier entry of the same path) in one transaction: its frames,
    /// its clusters with their centroids, and class -> cluster rows with each class's best score and best rank (0: some member's top-1).
    @discardableResult
    public func add(_ video: IndexedVideo) throws(IndexError) -> Int64 {
        try write { db in
            try db.execute(sql: "DELETE FROM videos WHERE path = ?", arguments: [video.path])
            try db.execute(sql: "INSERT INTO videos(path, frames, clusters, cheap_seconds, added_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [video.path, video.frames.count, video.clusters.count, video.cheapSeconds, Date().timeIntervalSince1970])
            let videoID = db.lastInsertedRowID
            var frameIDs = [Int64](repeating: 0, count: video.frames.count)
            for cluster in video.clusters {
                try db.execute(sql: "INSERT INTO clusters(video_id, size, start_time, end_time) VALUES (?, ?, ?, ?)",
                               arguments: [videoID, cluster.members.count, cluster.startTime, cluster.endTime])
                let clusterID = db.lastInsertedRowID
                var best: [Int: (score: Float, rank: Int)] = [:]
                for m in cluster.members where m >= 0 && m < video.frames.count {
                    let f = video.frames[m]
                    try db.execute(sql: """
                        INSERT INTO frames(video_id, sample_index, source_index, time, cluster_id, top_classes, feature)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [videoID, f.sampleIndex, f.sourceIndex, f.time, clusterID, Self.encode(f.topK), FeatureVector.float16Blob(f.feature)])
                    frameIDs[m] = db.lastInsertedRowID
                    for (rank, c) in f.topK.enumerated() {
                        let old = best[c.classID] ?? (-.infinity, Int.max)
                        best[c.classID] = (max(old.score, c.score), min(old.rank, rank))
                    }
                }
                if cluster.centroid >= 0, cluster.centroid < frameIDs.count {
                    try db.execute(sql: "UPDATE clusters SET centroid_frame_id = ? WHERE id = ?", arguments: [frameIDs[cluster.centroid], clusterID])
                }
                for (classID, b) in best {
                    try db.execute(sql: "INSERT INTO cluster_classes(class_id, cluster_id, best_score, best_rank) VALUES (?, ?, ?, ?)",
                                   arguments: [classID, clusterID, Double(b.score), b.rank])
                }
            }
            return videoID
        }
    }

    /// Caches ground-truth labels of frames under the GT pipeline's key.
    public func saveGroundTruth(_ labels: [Int64: GroundTruthLabel], gt: String) throws(IndexError) {
        try write { db in
            for (frameID, l) in labels {
                try db.execute(sql: "INSERT OR REPLACE INTO gt_labels(frame_id, gt, class_id, label, score) VALUES (?, ?, ?, ?, ?)",
                               arguments: [frameID, gt, l.classID, l.label, Double(l.score)])
            }
        }
    }

    /// `id:score` pairs, comma-separated (scores to 5 decimals): compact and readable in sqlite3.
    static func encode(_ top: [ClassScore]) -> String {
        top.map { "\($0.classID):\(String(format: "%.5f", $0.score))" }.joined(separator: ",")
    }

    static func decode(_ text: String) -> [ClassScore] {
        text.split(separator: ",").compactMap { pair in
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let id = Int(parts[0]), let score = Float(parts[1]) else { return nil }
            return ClassScore(classID: id, score: score)
        }
    }
}
