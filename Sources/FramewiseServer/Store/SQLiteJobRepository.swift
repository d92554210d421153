import Foundation
import GRDB

/// The job and token store in one SQLite file through GRDB, in WAL mode (readers never wait for
/// the writer; a crash loses nothing committed). Every write is one transaction.
public final class SQLiteJobRepository: JobRepository, TokenRepository {
    let pool: DatabasePool
    /// Checkpoints the write-ahead log off the commit path (see `maintain`).
    let checkpointer: WALCheckpointer
    /// The database file.
    public let path: String

    /// When a commit is on disk (SQLite's `synchronous` in WAL mode).
    public enum Sync: String, Sendable, CaseIterable {
        /// Each commit waits for the disk (fsync of the log): nothing acknowledged is lost, even
        /// to a power cut; each job accepted and each result then waits for a flush (on this
        /// project's VM: 0.5 ms median, 2.6 ms p99, occasionally 90 ms).
        case full
        /// Commits reach the OS at once and the disk at each checkpoint: a crash or `kill -9` of
        /// the server loses nothing, a power cut or OS crash may lose the last commits (the file
        /// stays consistent). The default (GRDB's for WAL, and SQLite's advice for WAL): the bar
        /// this store keeps is that `kill -9` of the server loses no accepted video.
        case normal
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, sync: Sync = .normal) throws(JobRepositoryError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
            // After GRDB's own WAL set-up (which sets NORMAL); only the writer's setting matters.
            let checkpointer = try WALCheckpointer(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(sync.rawValue.uppercased())")
                checkpointer.watch(db)
            }
            self.checkpointer = checkpointer
        } catch {
            throw .storage("\(path): \(error)")
        }
    }

    /// Checkpoints the write-ahead log when it is due, off the commit path (`WALCheckpointer`).
    public func maintain() async {
        await checkpointer.checkpointIfDue()
    }

    // Store calls run inline on the calling thread (GRDB's blocking API: a busy writer is waited
    // for on its queue), not by a hop to GRDB's queue and back: they are index lookups and
    // small writes of 0.1-0.5 ms, and the two thread wake-ups of a hop cost more than that at the
    // tail (bench/RESULTS.md, "API overhead": status p99 inside the server 3-4.5 ms with the
    // hops, 1-1.5 ms without).

    /// Runs `body` in a write transaction, mapping database errors.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(JobRepositoryError) -> T {
        do {
            return try writeInline(body)
        } catch let error as JobRepositoryError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Runs `body` on a read snapshot, mapping database errors.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(JobRepositoryError) -> T {
        do {
            return try readInline(body)
        } catch let error as JobRepositoryError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    private func writeInline<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }
    private func readInline<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    public func ping() async -> Bool {
        (try? await read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// SQLite's `synchronous` setting of the writer (1: NORMAL, 2: FULL).
    public func synchronousLevel() async throws(JobRepositoryError) -> Int {
        try await write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode SQLite reports ("wal").
    public func journalMode() async throws(JobRepositoryError) -> String {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    static var now: Double { Date().timeIntervalSince1970 }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY,
                    pipeline TEXT NOT NULL,
                    owner TEXT,
                    priority INTEGER NOT NULL,
                    slo REAL,
                    total INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    finished_at REAL,
                    cancelled_at REAL
                );
                CREATE INDEX jobs_owner ON jobs(owner, created_at);
                CREATE TABLE videos (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    pipeline TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    slo REAL,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
                    accepted_at REAL NOT NULL,
                    UNIQUE (job_id, position)
                );
                CREATE INDEX videos_queue ON videos(pipeline, state, priority DESC, id);
                CREATE INDEX videos_state ON videos(state);
                CREATE TABLE results (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    video_id INTEGER NOT NULL UNIQUE REFERENCES videos(id) ON DELETE CASCADE,
                    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    json TEXT NOT NULL,
                    finished_at REAL NOT NULL
                );
                CREATE INDEX results_job ON results(job_id, position);
                CREATE INDEX results_time ON results(finished_at);
                CREATE TABLE tokens (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    created_at REAL NOT NULL,
                    revoked_at REAL
                );
                """)
        }
        return migrator
    }()
}
