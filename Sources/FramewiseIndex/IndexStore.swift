import Foundation
import GRDB

/// The index in one SQLite file (`<dir>/index.sqlite`, GRDB): settings, videos, frames (time,
/// index, top-K, float16 feature), clusters (centroid frame, members), class -> clusters with the
/// best score and rank, and the cached ground-truth labels of centroids. Every video is added in one
/// transaction, so the index grows video by video and a query never sees half a video.
public final class IndexStore: Sendable {
    let queue: DatabaseQueue
    /// The database file.
    public let path: String

    /// Opens (creating `directory` and the database if needed) and brings the schema up to date.
    public init(directory: String) throws(IndexError) {
        let dir = URL(fileURLWithPath: directory)
        path = dir.appendingPathComponent("index.sqlite").path
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw .storage(path: path, message: "\(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(IndexError) -> T {
        do { return try queue.write(body) } catch let e as IndexError { throw e } catch { throw .storage(path: path, message: "\(error)") }
    }

    func read<T>(_ body: (Database) throws -> T) throws(IndexError) -> T {
        do { return try queue.read(body) } catch let e as IndexError { throw e } catch { throw .storage(path: path, message: "\(error)") }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE videos (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL UNIQUE,
                    frames INTEGER NOT NULL,
                    clusters INTEGER NOT NULL,
                    cheap_seconds REAL NOT NULL,
                    added_at REAL NOT NULL
                );
                CREATE TABLE clusters (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                    centroid_frame_id INTEGER,
                    size INTEGER NOT NULL,
                    start_time REAL NOT NULL,
                    end_time REAL NOT NULL
                );
                CREATE INDEX clusters_video ON clusters(video_id);
                CREATE TABLE frames (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
                    sample_index INTEGER NOT NULL,
                    source_index INTEGER,
                    time REAL NOT NULL,
                    cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
                    top_classes TEXT NOT NULL,
                    feature BLOB NOT NULL,
                    UNIQUE (video_id, sample_index)
                );
                CREATE INDEX frames_cluster ON frames(cluster_id);
                CREATE TABLE cluster_classes (
                    class_id INTEGER NOT NULL,
                    cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
                    best_score REAL NOT NULL,
                    best_rank INTEGER NOT NULL,
                    PRIMARY KEY (class_id, cluster_id)
                ) WITHOUT ROWID;
                CREATE TABLE gt_labels (
                    frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
                    gt TEXT NOT NULL,
                    class_id INTEGER,
                    label TEXT NOT NULL,
                    score REAL NOT NULL,
                    PRIMARY KEY (frame_id, gt)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }()
}
