import Foundation
import GRDB

extension SQLiteJobRepository {
    public func claim(pipeline: String, limit: Int) async throws(JobRepositoryError) -> [ClaimedVideo] {
        try await write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, job_id, position, path, slo, accepted_at FROM videos
                WHERE pipeline = ? AND state = 'queued' ORDER BY priority DESC, id LIMIT ?
                """, arguments: [pipeline, max(1, limit)])
            let chosen = rows.map {
                ClaimedVideo(id: $0["id"], job: $0["job_id"], position: $0["position"], path: $0["path"], slo: $0["slo"],
                             acceptedAt: Date(timeIntervalSince1970: $0["accepted_at"]))
            }
            let update = try db.makeStatement(sql: "UPDATE videos SET state = 'running' WHERE id = ? AND state = 'queued'")
            for video in chosen { try update.execute(arguments: [video.id]) }
            return chosen
        }
    }

    public func storeResult(video: Int64, status: String, json: String) async throws(JobRepositoryError) -> Bool {
        try await write { db in
            // The video row is gone when its job was cancelled; a result already there stays (written once).
            guard let row = try Row.fetchOne(db, sql: "SELECT job_id, position FROM videos WHERE id = ?", arguments: [video]) else { return false }
            let job: String = row["job_id"]
            let now = Self.now
            try db.execute(sql: """
                INSERT INTO results (video_id, job_id, position, status, json, finished_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (video_id) DO NOTHING
                """, arguments: [video, job, row["position"] as Int, status, json, now])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "UPDATE videos SET state = 'done' WHERE id = ?", arguments: [video])
            try db.execute(sql: """
                UPDATE jobs SET finished_at = ? WHERE id = ? AND finished_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM videos WHERE job_id = ? AND state != 'done')
                """, arguments: [now, job, job])
            return true
        }
    }

    public func requeue(videos: [Int64]) async throws(JobRepositoryError) {
        try await write { db in
            let update = try db.makeStatement(sql: "UPDATE videos SET state = 'queued' WHERE id = ? AND state = 'running'")
            for id in videos { try update.execute(arguments: [id]) }
        }
    }

    public func recoverInterrupted() async throws(JobRepositoryError) -> Int {
        try await write { db in
            // A video whose result was stored is done even if the process died before marking it.
            try db.execute(sql: "UPDATE videos SET state = 'done' WHERE state != 'done' AND id IN (SELECT video_id FROM results)")
            try db.execute(sql: "UPDATE videos SET state = 'queued' WHERE state = 'running'")
            return db.changesCount
        }
    }

    public func load(window: Double) async throws(JobRepositoryError) -> (queued: Int, recentResults: Int) {
        try await read { db in
            let queued = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM videos WHERE state = 'queued'") ?? 0
            let recent = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE finished_at > ?", arguments: [Self.now - window]) ?? 0
            return (queued, recent)
        }
    }
}
