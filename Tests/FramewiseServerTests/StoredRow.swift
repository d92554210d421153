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
        let configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().map {
                let (sequence, video, json) = try $0.decode((Int64, Int64, String).self)
                return StoredRow(sequence: sequence, video: video, json: json)
            }
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
