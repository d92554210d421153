import Foundation
import FramewiseApp
import FramewiseRuntime
import Tracing

/// What `framewise serve` is started with. Defaults are safe: loopback only, jobs in
/// `framewise.sqlite` in the working directory, a bounded queue.
public struct ServerConfiguration: Sendable {
    /// Pipeline files served; clients name each by its YAML `name`.
    public var pipelines: [String]
    /// Where to listen.
    public var bind: ListenAddress
    /// The SQLite database (jobs, results, tokens), unless `postgres` is set.
    public var databasePath: String
    /// When an SQLite commit is on disk (`--store-sync`): at checkpoints (default: a crash of the
    /// server loses nothing), or each commit flushed (a power cut loses nothing either).
    public var sqliteSync: SQLiteJobRepository.Sync = .normal
    /// A PostgreSQL database to keep jobs in instead (several servers can share it).
    public var postgres: PostgresURL?
    /// The server's own files: uploaded videos (`uploads/<job>`, removed with their job) and the
    /// download cache (`downloads`).
    public var dataDirectory: String
    /// Largest multipart upload accepted, bytes (beyond it: 413).
    public var maxUploadBytes: Int64
    /// Hosts and networks URLs may resolve to although private, loopback or link-local (SSRF allow-list).
    public var allowPrivateURLs: [String]
    /// Largest video downloaded from a URL, bytes.
    public var maxDownloadBytes: Int64
    /// Longest one download attempt may take, from the request to the last byte.
    public var downloadTimeout: Duration = .seconds(120)
    /// Download attempts after the first for transient failures.
    public var downloadRetries = 3
    /// Folders whose videos clients may submit; anything else is refused (403).
    public var allowedRoots: [String]
    /// Most videos waiting in the queue (all jobs together); beyond it submissions get 429.
    public var maxQueued: Int
    /// Videos in each pipeline's engine at once (claimed, not finished); nil: the engine's default (twice the cores).
    public var maxInFlight: Int?
    /// Finished jobs older than this many days are deleted (0: kept).
    public var retentionDays: Int
    /// How long a graceful shutdown lets the engine runs in flight finish before leaving them to the next start.
    public var drainTimeout: Duration
    /// `libonnxruntime.so` (nil: `$ORT_DYLIB_PATH`, then the project's `.venv`).
    public var ortLibrary: String?
    /// The engine's knobs (threads, queue bounds); `decoders` is set from `maxInFlight`.
    public var engine: EngineConfiguration
    /// Traces each video the engines run (one trace per video), e.g. to a trace file (nil: not traced).
    public var tracer: (any Tracer)?
    /// Run the pipelines' stages on `framewise worker` processes behind this Redis deployment
    /// (`--broker redis://`), as `run --broker` does; nil: in this process. Uploads and downloads
    /// must then be in a folder the workers see (`dataDirectory` on shared storage).
    public var cluster: ClusterSettings?
    /// This server's name in the leases of a shared store (PostgreSQL); nil: the host's name and
    /// the data folder, so a restarted server takes its own videos back at once. Servers sharing a
    /// host and a data folder need names of their own.
    public var instance: String?
    /// How long a claim on a video holds without renewal (shared stores): a dead server's videos
    /// go back in the queue this long after its last renewal.
    public var lease: Duration = .seconds(30)

    /// The name this server's leases carry.
    public var instanceName: String {
        instance ?? "\(ProcessInfo.processInfo.hostName):\(URL(fileURLWithPath: dataDirectory).standardizedFileURL.path)"
    }

    /// The store as `framewise token` takes it (`--store URL` or `--db PATH`), password left out.
    public var storeArgument: String { postgres.map { "--store \($0.redacted)" } ?? "--db \(databasePath)" }

    /// Opens the job store this configuration names.
    public func openStore() async throws(JobRepositoryError) -> any ServerStore {
        if let postgres { return try await PostgresJobRepository(url: postgres, instance: instanceName, lease: lease) }
        return try SQLiteJobRepository(path: databasePath, sync: sqliteSync)
    }

    public init(pipelines: [String], bind: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080), databasePath: String = "framewise.sqlite",
                postgres: PostgresURL? = nil, dataDirectory: String = "framewise-data", maxUploadBytes: Int64 = 1 << 30,
                allowPrivateURLs: [String] = [], maxDownloadBytes: Int64 = 2 << 30,
                allowedRoots: [String], maxQueued: Int = 1000, maxInFlight: Int? = nil, retentionDays: Int = 0,
                drainTimeout: Duration = .seconds(30), ortLibrary: String? = nil, engine: EngineConfiguration = EngineConfiguration()) {
        self.pipelines = pipelines
        self.bind = bind
        self.databasePath = databasePath
        self.postgres = postgres
        self.dataDirectory = dataDirectory
        self.maxUploadBytes = maxUploadBytes
        self.allowPrivateURLs = allowPrivateURLs
        self.maxDownloadBytes = maxDownloadBytes
        self.allowedRoots = allowedRoots
        self.maxQueued = maxQueued
        self.maxInFlight = maxInFlight
        self.retentionDays = retentionDays
        self.drainTimeout = drainTimeout
        self.ortLibrary = ortLibrary
        self.engine = engine
    }
}

/// A host and port to listen on, parsed from `HOST:PORT` or `[IPv6]:PORT`.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8080`, `localhost:8080`, `[::1]:8080`, `0.0.0.0:0` (0: any free port).
    public init(parsing text: String) throws(ServerError) {
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .invalidArgument(name: "--bind", message: "expected [HOST]:PORT, got \(text)") }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidArgument(name: "--bind", message: "expected HOST:PORT, got \(text)") }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (0...65535).contains(port) else {
            throw .invalidArgument(name: "--bind", message: "expected HOST:PORT with a port in 0...65535, got \(text)")
        }
        self.init(host: String(hostPart), port: port)
    }

    /// Whether only this machine can connect (127.0.0.0/8, ::1, localhost).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
