import Foundation
import PostgresNIO

extension PostgresJobRepository {
    public func submit(_ job: NewJob, maxQueued: Int, queueOf pipelines: [String]?) async throws(JobRepositoryError) -> JobSnapshot {
        let id = job.id ?? JobState.newJobID()
        let logger = logger
        return try await transaction { connection in
            // One admission decision at a time across every server on this database.
            try await connection.query("SELECT pg_advisory_xact_lock(7461002)", logger: logger)
            let counted: PostgresQuery = if let pipelines {
                "SELECT COUNT(*) FROM videos WHERE state = 'queued' AND pipeline = ANY(\(pipelines))"
            } else {
                "SELECT COUNT(*) FROM videos WHERE state = 'queued'"
            }
            let queued = try await connection.query(counted, logger: logger).collect().first?.decode(Int.self) ?? 0
            guard queued + job.videos.count <= maxQueued else {
                throw JobRepositoryError.queueFull(queued: queued, adding: job.videos.count, limit: maxQueued)
            }
            let now = Self.now
            try await connection.query("""
                INSERT INTO jobs (id, pipeline, owner, priority, slo, total, created_at)
                VALUES (\(id), \(job.pipeline), \(job.owner), \(job.priority), \(job.slo), \(job.videos.count), \(now))
                """, logger: logger)
            let positions = Array(0..<job.videos.count)
            try await connection.query("""
                INSERT INTO videos (job_id, position, path, pipeline, priority, slo, state, accepted_at)
                SELECT \(id), p, v, \(job.pipeline), \(job.priority), \(job.slo), 'queued', \(now)
                FROM unnest(\(positions)::INTEGER[], \(job.videos)::TEXT[]) AS t(p, v)
                """, logger: logger)
            return JobSnapshot(accepted: job, id: id, at: now)
        }
    }

    public func job(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot {
        let logger = logger
        return try await read { connection in
            try await Self.checkOwner(connection, job: id, owner: owner, logger: logger)
            return try await Self.snapshot(connection, id: id, logger: logger)
        }
    }

    public func jobs(owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (jobs: [JobSnapshot], total: Int) {
        let logger = logger
        return try await read { connection in
            let total = try await connection.query("SELECT COUNT(*) FROM jobs WHERE \(owner)::TEXT IS NULL OR owner = \(owner)",
                                                   logger: logger).collect().first?.decode(Int.self) ?? 0
            let ids = try await connection.query("""
                SELECT id FROM jobs WHERE \(owner)::TEXT IS NULL OR owner = \(owner)
                ORDER BY created_at DESC, seq DESC LIMIT \(limit) OFFSET \(offset)
                """, logger: logger).collect().map { try $0.decode(String.self) }
            var jobs: [JobSnapshot] = []
            for id in ids { jobs.append(try await Self.snapshot(connection, id: id, logger: logger)) }
            return (jobs, total)
        }
    }

    public func results(job: String, owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (lines: [String], total: Int) {
        let logger = logger
        return try await read { connection in
            try await Self.checkOwner(connection, job: job, owner: owner, logger: logger)
            let total = try await connection.query("SELECT COUNT(*) FROM results WHERE job_id = \(job)", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            let lines = try await connection.query("""
                SELECT json FROM results WHERE job_id = \(job) ORDER BY position LIMIT \(limit) OFFSET \(offset)
                """, logger: logger).collect().map { try $0.decode(String.self) }
            return (lines, total)
        }
    }

    public func results(job: String, after: Int64) async throws(JobRepositoryError) -> [StoredResult] {
        let logger = logger
        return try await read { connection in
            try await connection.query("""
                SELECT sequence, position, json FROM results WHERE job_id = \(job) AND sequence > \(after) ORDER BY sequence
                """, logger: logger).collect().map {
                let (sequence, position, json) = try $0.decode((Int64, Int, String).self)
                return StoredResult(sequence: sequence, position: position, json: json)
            }
        }
    }

    public func cancel(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot {
        let logger = logger
        return try await transaction { connection in
            try await Self.checkOwner(connection, job: id, owner: owner, logger: logger, lock: true)
            let snapshot = try await Self.snapshot(connection, id: id, logger: logger)
            guard snapshot.state != .cancelled else { return snapshot }
            try await connection.query("DELETE FROM results WHERE job_id = \(id)", logger: logger)
            try await connection.query("DELETE FROM videos WHERE job_id = \(id)", logger: logger)
            try await connection.query("UPDATE jobs SET cancelled_at = \(Self.now) WHERE id = \(id)", logger: logger)
            return try await Self.snapshot(connection, id: id, logger: logger)
        }
    }

    public func deleteFinished(before: Date) async throws(JobRepositoryError) -> [String] {
        let logger = logger
        let cutoff = before.timeIntervalSince1970
        return try await transaction { connection in
            try await connection.query("DELETE FROM jobs WHERE COALESCE(cancelled_at, finished_at) < \(cutoff) RETURNING id", logger: logger)
                .collect().map { try $0.decode(String.self) }
        }
    }

    /// Throws unless `owner` may see job `id` (nil owner: the server runs without tokens).
    static func checkOwner(_ connection: PostgresConnection, job id: String, owner: String?, logger: Logger, lock: Bool = false) async throws {
        let query: PostgresQuery = lock ? "SELECT owner FROM jobs WHERE id = \(id) FOR UPDATE" : "SELECT owner FROM jobs WHERE id = \(id)"
        guard let row = try await connection.query(query, logger: logger).collect().first else {
            throw JobRepositoryError.notFound(job: id)
        }
        if let owner, try row.decode(String?.self) != owner { throw JobRepositoryError.forbidden(job: id) }
    }

    /// The job with its counts, state derived from its videos and results (as the SQLite store does).
    static func snapshot(_ connection: PostgresConnection, id: String, logger: Logger) async throws -> JobSnapshot {
        let rows = try await connection.query("""
            SELECT j.id, j.pipeline, j.priority, j.slo, j.total, j.created_at, j.finished_at, j.cancelled_at,
                (SELECT COUNT(*) FROM results r WHERE r.job_id = j.id AND r.status = 'ok'),
                (SELECT COUNT(*) FROM results r WHERE r.job_id = j.id AND r.status != 'ok'),
                (SELECT COUNT(*) FROM videos v WHERE v.job_id = j.id AND v.state = 'running')
            FROM jobs j WHERE j.id = \(id)
            """, logger: logger).collect()
        guard let row = rows.first else { throw JobRepositoryError.notFound(job: id) }
        let (jobID, pipeline, priority, slo, total, createdAt, finishedAt, cancelledAt, ok, failed, running) =
            try row.decode((String, String, Int, Double?, Int, Double, Double?, Double?, Int, Int, Int).self)
        let state = JobState.derived(cancelled: cancelledAt != nil, ok: ok, failed: failed, running: running, total: total)
        let finished = cancelledAt ?? finishedAt
        return JobSnapshot(id: jobID, pipeline: pipeline, state: state, priority: priority, slo: slo,
                           createdAt: Date(timeIntervalSince1970: createdAt), finishedAt: finished.map { Date(timeIntervalSince1970: $0) },
                           ok: ok, failed: failed, running: running, total: total)
    }
}
