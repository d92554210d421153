import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The job and token store in a PostgreSQL database through postgres-nio, for several servers
/// behind a load balancer sharing one database. Same schema and invariants as the SQLite store:
/// every write is one transaction; claims use `FOR UPDATE SKIP LOCKED`, so two servers never
/// claim one video; result inserts are serialized, so result sequence numbers follow commit order
/// (an event stream reading "after N" never misses one). A claim is a lease: the claiming server
/// renews it while it runs the video; when a server dies, the others put its videos back in the
/// queue once their leases expire (`requeueExpiredLeases`), and it takes them back itself when it
/// restarts under the same `instance` name.
public final class PostgresJobRepository: JobRepository, TokenRepository {
    let client: PostgresClient
    let logger: Logger
    /// The database, its password left out.
    public let location: String
    /// This server's name in the videos' leases: a server restarted under the same name takes
    /// its own running videos back at once; another server's wait until their lease expires.
    public let instance: String
    /// Seconds a claim holds a video without renewal; a server renews its leases every third of it.
    public let lease: Double
    private let running: Task<Void, Never>

    /// Connects to `url` and brings the schema up to date; throws `.storage` naming the server
    /// (never the password) when it cannot, or when it does not answer within `connectWithin`.
    public init(url: PostgresURL, instance: String = PostgresJobRepository.defaultInstance, lease: Duration = .seconds(30),
                connectWithin: Duration = .seconds(60), logger: Logger = Logger(label: "framewise.store")) async throws(JobRepositoryError) {
        self.instance = instance
        self.lease = Double(lease.components.seconds) + Double(lease.components.attoseconds) * 1e-18
        let tls: PostgresClient.Configuration.TLS
        switch url.sslMode {
        case .disable: tls = .disable
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                         database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        location = url.redacted
        running = Task { await client.run() }
        do {
            try await migrate(within: connectWithin)
        } catch {
            running.cancel()
            await running.value
            if case let .storage(message) = error, !message.hasPrefix(url.redacted) { throw .storage("\(url.redacted): \(message)") }
            throw error
        }
    }

    /// `migrate()`, or `.storage` when the server does not answer within `limit` (the pool keeps
    /// retrying a connection that fails, so a wrong host would otherwise wait forever).
    private func migrate(within limit: Duration) async throws(JobRepositoryError) {
        let location = location
        let outcome: Result<Void, JobRepositoryError> = await withTaskGroup(of: Result<Void, JobRepositoryError>?.self) { group in
            group.addTask {
                do throws(JobRepositoryError) { try await self.migrate() } catch { return .failure(error) }
                return .success(())
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(.storage("\(location): no answer within \(limit)"))
            }
            var first: Result<Void, JobRepositoryError>?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .failure(.storage("\(location): cancelled"))
        }
        try outcome.get()
    }

    /// Stops the connection pool.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` in one transaction, mapping database errors.
    @discardableResult
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(JobRepositoryError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? JobRepositoryError { throw inner }
            throw .storage(Self.describe(error.closureError ?? error.beginError ?? error.commitError ?? error))
        } catch {
            throw .storage(Self.describe(error))
        }
    }

    /// Runs `body` on a pooled connection outside a transaction (one statement, or reads).
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(JobRepositoryError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as JobRepositoryError {
            throw error
        } catch {
            throw .storage(Self.describe(error))
        }
    }

    /// A database error as text: PSQLError's own description hides the server's message.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
        }
        return "\(error)"
    }

    public func ping() async -> Bool {
        (try? await read { connection in
            try await connection.query("SELECT 1", logger: logger).collect().first?.decode(Int.self)
        }) == 1
    }

    static var now: Double { Date().timeIntervalSince1970 }

    /// The host's name and this process' id: unique among live servers, new at each start.
    public static var defaultInstance: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }

    /// Creates the tables once (an advisory lock keeps two servers starting together apart).
    private func migrate() async throws(JobRepositoryError) {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7461001)", logger: logger)
            for statement in Self.schema {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            seq BIGSERIAL,
            pipeline TEXT NOT NULL,
            owner TEXT,
            priority INTEGER NOT NULL,
            slo DOUBLE PRECISION,
            total INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            finished_at DOUBLE PRECISION,
            cancelled_at DOUBLE PRECISION
        )
        """,
        "CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, created_at)",
        """
        CREATE TABLE IF NOT EXISTS videos (
            id BIGSERIAL PRIMARY KEY,
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            path TEXT NOT NULL,
            pipeline TEXT NOT NULL,
            priority INTEGER NOT NULL,
            slo DOUBLE PRECISION,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done')),
            accepted_at DOUBLE PRECISION NOT NULL,
            UNIQUE (job_id, position)
        )
        """,
        "CREATE INDEX IF NOT EXISTS videos_queue ON videos(pipeline, state, priority DESC, id)",
        // Leases (added after the first schema): which server runs a video, until when.
        "ALTER TABLE videos ADD COLUMN IF NOT EXISTS lease_owner TEXT",
        "ALTER TABLE videos ADD COLUMN IF NOT EXISTS lease_until DOUBLE PRECISION",
        "CREATE INDEX IF NOT EXISTS videos_state ON videos(state)",
        """
        CREATE TABLE IF NOT EXISTS results (
            sequence BIGSERIAL PRIMARY KEY,
            video_id BIGINT NOT NULL UNIQUE REFERENCES videos(id) ON DELETE CASCADE,
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            status TEXT NOT NULL,
            json TEXT NOT NULL,
            finished_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS results_job ON results(job_id, position)",
        "CREATE INDEX IF NOT EXISTS results_time ON results(finished_at)",
        """
        CREATE TABLE IF NOT EXISTS tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at DOUBLE PRECISION NOT NULL,
            revoked_at DOUBLE PRECISION
        )
        """,
    ]
}
