import Foundation
import GRDB

extension SQLiteJobRepository {
    public func submit(_ job: NewJob, maxQueued: Int, queueOf pipelines: [String]?) async throws(JobRepositoryError) -> JobSnapshot {
        let id = job.id ?? JobState.newJobID()
        return try await write { db in
            let queued: Int
            if let pipelines {
                let marks = Array(repeating: "?", count: pipelines.count).joined(separator: ", ")
                queued = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM videos WHERE state = 'queued' AND pipeline IN (\(marks))"),
                                          arguments: StatementArguments(pipelines)) ?? 0
            } else {
                queued = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM videos WHERE state = 'queued'")) ?? 0
            }
            guard queued + job.videos.count <= maxQueued else {
                throw JobRepositoryError.queueFull(queued: queued, adding: job.videos.count, limit: maxQueued)
            }
            let now = Self.now
            try db.cachedStatement(sql: """
                INSERT INTO jobs (id, pipeline, owner, priority, slo, total, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, job.pipeline, job.owner, job.priority, job.slo, job.videos.count, now])
            let insert = try db.cachedStatement(sql: """
                INSERT INTO videos (job_id, position, path, pipeline, priority, slo, state, accepted_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)
                """)
            for (position, path) in job.videos.enumerated() {
                try insert.execute(arguments: [id, position, path, job.pipeline, job.priority, job.slo, now])
            }
            return JobSnapshot(accepted: job, id: id, at: now)
        }
    }

    public func job(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot {
        try await read { db in
            try Self.checkOwner(db, job: id, owner: owner)
            return try Self.snapshot(db, id: id)
        }
    }

    public func jobs(owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (jobs: [JobSnapshot], total: Int) {
        try await read { db in
            let filter = owner == nil ? "" : "WHERE owner = ?"
            let arguments: StatementArguments = owner.map { [$0] } ?? []
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs \(filter)", arguments: arguments) ?? 0
            let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                                          arguments: arguments + [limit, offset])
            return (try ids.map { try Self.snapshot(db, id: $0) }, total)
        }
    }

    public func results(job: String, owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (lines: [String], total: Int) {
        try await read { db in
            try Self.checkOwner(db, job: job, owner: owner)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results WHERE job_id = ?", arguments: [job]) ?? 0
            let lines = try String.fetchAll(db, sql: "SELECT json FROM results WHERE job_id = ? ORDER BY position LIMIT ? OFFSET ?",
                                            arguments: [job, limit, offset])
            return (lines, total)
        }
    }

    public func results(job: String, after: Int64) async throws(JobRepositoryError) -> [StoredResult] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT sequence, position, json FROM results WHERE job_id = ? AND sequence > ? ORDER BY sequence",
                             arguments: [job, after])
                .map { StoredResult(sequence: $0["sequence"], position: $0["position"], json: $0["json"]) }
        }
    }

    public func cancel(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot {
        try await write { db in
            try Self.checkOwner(db, job: id, owner: owner)
            let snapshot = try Self.snapshot(db, id: id)
            guard snapshot.state != .cancelled else { return snapshot }
            try db.execute(sql: "DELETE FROM results WHERE job_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM videos WHERE job_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE jobs SET cancelled_at = ? WHERE id = ?", arguments: [Self.now, id])
            return try Self.snapshot(db, id: id)
        }
    }

    public func deleteFinished(before: Date) async throws(JobRepositoryError) -> [String] {
        try await write { db in
            let cutoff = before.timeIntervalSince1970
            let ids = try String.fetchAll(db, sql: "SELECT id FROM jobs WHERE COALESCE(cancelled_at, finished_at) < ?", arguments: [cutoff])
            try db.execute(sql: "DELETE FROM jobs WHERE COALESCE(cancelled_at, finished_at) < ?", arguments: [cutoff])
            return ids
        }
    }

    /// Throws unless `owner` may see job `id` (nil owner: the server runs without tokens).
    static func checkOwner(_ db: Database, job id: String, owner: String?) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT owner FROM jobs WHERE id = ?", arguments: [id]) else {
            throw JobRepositoryError.notFound(job: id)
        }
        if let owner, (row["owner"] as String?) != owner { throw JobRepositoryError.forbidden(job: id) }
    }

    /// The job with its counts, state derived from its videos and results.
    static func snapshot(_ db: Database, id: String) throws -> JobSnapshot {
        let sql = """
            SELECT j.*,
                (SELECT COUNT(*) FROM results r WHERE r.job_id = j.id AND r.status = 'ok') AS ok,
                (SELECT COUNT(*) FROM results r WHERE r.job_id = j.id AND r.status != 'ok') AS failed,
                (SELECT COUNT(*) FROM videos v WHERE v.job_id = j.id AND v.state = 'running') AS running
            FROM jobs j WHERE j.id = ?
            """
        guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else { throw JobRepositoryError.notFound(job: id) }
        let ok: Int = row["ok"], failed: Int = row["failed"], running: Int = row["running"], total: Int = row["total"]
        let state = JobState.derived(cancelled: (row["cancelled_at"] as Double?) != nil, ok: ok, failed: failed, running: running, total: total)
        let finished = (row["cancelled_at"] as Double?) ?? (row["finished_at"] as Double?)
        return JobSnapshot(id: row["id"], pipeline: row["pipeline"], state: state, priority: row["priority"], slo: row["slo"],
                           createdAt: Date(timeIntervalSince1970: row["created_at"]), finishedAt: finished.map { Date(timeIntervalSince1970: $0) },
                           ok: ok, failed: failed, running: running, total: total)
    }
}
