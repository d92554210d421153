import FramewiseServer
import GRDB
import Logging
import PostgresNIO

/// One row of the results table, read past the repository (SQLite or PostgreSQL).
struct StoredRow: Equatable, Sendable {
    var sequence: Int64
    var video: Int64
    var json: String

    /// Every stored result, in sequence order.
    static func all(_ store: StoreUnderTest) async throws -> [StoredRow] {
        let sql = "SELECT sequence, video_id, json FROM results ORDER BY sequence"
        guard let url = store.postgres else {
            return try await DatabaseQueue(path: store.sqlitePath).read { db in
                try Row.fetchAll(db, sql: sql).map { StoredRow(sequence: $0["sequence"], video: $0["video_id"], json: $0["json"]) }
            }
        }
        return try await postgres(url, sql) { row in
            let (sequence, video, json) = try row.decode((Int64, Int64, String).self)
            return StoredRow(sequence: sequence, video: video, json: json)
        }
    }

    /// Videos a server was running without a stored result (what a restart queues again).
    static func interrupted(_ store: StoreUnderTest) async throws -> Int {
        let sql = "SELECT COUNT(*) FROM videos WHERE state = 'running' AND id NOT IN (SELECT video_id FROM results)"
        guard let url = store.postgres else {
            return try await DatabaseQueue(path: store.sqlitePath).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }
        return try await postgres(url, sql) { Int(try $0.decode(Int64.self)) }.first ?? 0
    }

    private static func postgres<T: Sendable>(_ url: PostgresURL, _ sql: String, _ decode: @Sendable (PostgresRow) throws -> T) async throws -> [T] {
        let configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().map(decode)
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
