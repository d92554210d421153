import Foundation
import PostgresNIO

extension PostgresJobRepository {
    public func claim(pipeline: String, limit: Int) async throws(JobRepositoryError) -> [ClaimedVideo] {
        let logger = logger
        return try await transaction { connection in
            // SKIP LOCKED: servers claiming at once take different videos, none waits for another.
            let rows = try await connection.query("""
                UPDATE videos SET state = 'running', lease_owner = \(instance), lease_until = \(Self.now + lease) WHERE id IN (
                    SELECT id FROM videos WHERE pipeline = \(pipeline) AND state = 'queued'
                    ORDER BY priority DESC, id LIMIT \(max(1, limit)) FOR UPDATE SKIP LOCKED)
                RETURNING id, job_id, position, path, slo, accepted_at, priority
                """, logger: logger).collect()
            var claimed: [(priority: Int, video: ClaimedVideo)] = []
            for row in rows {
                let (id, job, position, path, slo, acceptedAt, priority) = try row.decode((Int64, String, Int, String, Double?, Double, Int).self)
                let video = ClaimedVideo(id: id, job: job, position: position, path: path, slo: slo, acceptedAt: Date(timeIntervalSince1970: acceptedAt))
                claimed.append((priority, video))
            }
            claimed.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.video.id < $1.video.id }
            return claimed.map(\.video)
        }
    }

    public func storeResult(video: Int64, status: String, json: String) async throws(JobRepositoryError) -> Bool {
        let logger = logger
        return try await transaction { connection in
            // Serialized, so sequence numbers are committed in order (readers of "after N" miss none).
            try await connection.query("SELECT pg_advisory_xact_lock(7461003)", logger: logger)
            let now = Self.now
            // No row when the video is gone (its job cancelled) or already has its result (written once).
            let inserted = try await connection.query("""
                INSERT INTO results (video_id, job_id, position, status, json, finished_at)
                SELECT id, job_id, position, \(status), \(json), \(now) FROM videos WHERE id = \(video)
                ON CONFLICT (video_id) DO NOTHING RETURNING job_id
                """, logger: logger).collect()
            guard let job = try inserted.first?.decode(String.self) else { return false }
            try await connection.query("UPDATE videos SET state = 'done' WHERE id = \(video)", logger: logger)
            try await connection.query("""
                UPDATE jobs SET finished_at = \(now) WHERE id = \(job) AND finished_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM videos WHERE job_id = \(job) AND state != 'done')
                """, logger: logger)
            return true
        }
    }

    public func requeue(videos: [Int64]) async throws(JobRepositoryError) {
        let logger = logger
        try await transaction { connection in
            try await connection.query("UPDATE videos SET state = 'queued', lease_owner = NULL WHERE id = ANY(\(videos)) AND state = 'running'",
                                       logger: logger)
        }
    }

    public func recoverInterrupted() async throws(JobRepositoryError) -> Int {
        let logger = logger
        return try await transaction { connection in
            try await connection.query("""
                UPDATE videos SET state = 'done' WHERE state != 'done' AND id IN (SELECT video_id FROM results)
                """, logger: logger)
            // Only videos no live server holds: this instance's own (it restarted), unleased ones, expired leases.
            return try await connection.query("""
                UPDATE videos SET state = 'queued', lease_owner = NULL WHERE state = 'running'
                AND (lease_owner IS NULL OR lease_owner = \(instance) OR lease_until IS NULL OR lease_until < \(Self.now))
                RETURNING id
                """, logger: logger).collect().count
        }
    }

    public func renewLeases() async throws(JobRepositoryError) -> Int {
        let logger = logger
        return try await read { connection in
            try await connection.query("""
                UPDATE videos SET lease_until = \(Self.now + lease) WHERE state = 'running' AND lease_owner = \(instance) RETURNING id
                """, logger: logger).collect().count
        }
    }

    public func requeueExpiredLeases() async throws(JobRepositoryError) -> Int {
        let logger = logger
        return try await transaction { connection in
            try await connection.query("""
                UPDATE videos SET state = 'done' WHERE state = 'running' AND lease_until < \(Self.now) AND id IN (SELECT video_id FROM results)
                """, logger: logger)
            return try await connection.query("""
                UPDATE videos SET state = 'queued', lease_owner = NULL WHERE state = 'running' AND lease_until < \(Self.now) RETURNING id
                """, logger: logger).collect().count
        }
    }

    public func load(window: Double) async throws(JobRepositoryError) -> (queued: Int, recentResults: Int) {
        let logger = logger
        let since = Self.now - window
        return try await read { connection in
            let row = try await connection.query("""
                SELECT (SELECT COUNT(*) FROM videos WHERE state = 'queued'), (SELECT COUNT(*) FROM results WHERE finished_at > \(since))
                """, logger: logger).collect().first
            let (queued, recent) = try row?.decode((Int, Int).self) ?? (0, 0)
            return (queued, recent)
        }
    }
}
