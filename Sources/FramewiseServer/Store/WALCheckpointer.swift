import GRDB
import GRDBSQLite
import Synchronization

/// Moves SQLite's WAL checkpoints off the commit path. SQLite checkpoints inside whichever commit
/// takes the log past 1000 pages: that commit, and every request queued behind the writer, then
/// waits for the copy into the database file and its two flushes (1-8 ms here, at times 90).
/// Instead the writer only reports the log's size after each commit (`sqlite3_wal_hook`, which
/// replaces SQLite's own auto-checkpoint on that connection), and `checkpointIfDue` runs a
/// passive checkpoint, which waits for nobody, on a connection of its own once the log holds
/// `pages` or more. It is not run more often than that: a checkpoint's flush of the log stalls a
/// commit that appends to it meanwhile (tens of ms, measured when it ran every second). Should
/// nobody call it, the writer still checkpoints by itself past `hardLimitPages`.
final class WALCheckpointer: Sendable {
    /// Log pages at which a checkpoint is due (SQLite's own default threshold).
    let pages: Int
    /// Log pages past which the writer checkpoints inside its commit, as SQLite would.
    let hardLimitPages: Int
    /// Pages in the log after the writer's last commit.
    private let logPages = Atomic<Int>(0)
    private let connection: DatabaseQueue

    init(path: String, configuration: Configuration, pages: Int = 1000, hardLimitPages: Int = 10_000) throws {
        self.pages = pages
        self.hardLimitPages = hardLimitPages
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Installs the log-size hook on the writer's connection (call once, on the writer).
    func watch(_ db: Database) {
        guard let handle = db.sqliteConnection else { return }
        sqlite3_wal_hook(handle, { context, handle, name, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            checkpointer.logPages.store(Int(pages), ordering: .relaxed)
            if Int(pages) >= checkpointer.hardLimitPages { sqlite3_wal_checkpoint(handle, name) }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Pages in the log after the writer's last commit.
    var pagesInLog: Int { logPages.load(ordering: .relaxed) }

    /// Runs a passive checkpoint if the log holds `pages` or more; whether it ran.
    @discardableResult
    func checkpointIfDue() async -> Bool {
        guard pagesInLog >= pages else { return false }
        return (try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }) != nil
    }
}
