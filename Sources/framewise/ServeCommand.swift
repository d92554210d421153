import ArgumentParser
import FramewiseApp
import FramewiseRuntime
import FramewiseServer
import Foundation
import Logging

/// `framewise serve PIPELINE... [--bind 127.0.0.1:8080] [--db PATH | --store postgres://...] [--allow-root DIR ...] [--max-queued N]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve pipelines over HTTP: clients submit jobs of videos, follow them and read their results.",
        discussion: """
            Jobs are stored in SQLite (--db) or PostgreSQL (--store) before they are acknowledged; after a crash and a restart every accepted video gets exactly one result. \
            SIGTERM/SIGINT stop accepting, finish (or keep for the next start) what is in flight and exit 0. Listening beyond loopback needs bearer \
            tokens (framewise token create). The API is described at /openapi.yaml.
            """)

    @Argument(help: "Pipeline YAML files; clients name each by its `name`.") var pipelines: [String]
    @Option(help: "HOST:PORT to listen on (port 0: any free port).") var bind: String = "127.0.0.1:8080"
    @Option(help: "SQLite database of jobs, results and tokens.") var db: String = "framewise.sqlite"
    @Option(name: .customLong("store-sync"),
            help: "When an SQLite commit is on disk: normal (flushed at checkpoints: a crash or kill -9 of the server loses nothing, a power cut may lose the last commits) or full (each job accepted and each result flushed before it is acknowledged; slower).")
    var storeSync: SQLiteJobRepository.Sync = .normal
    @Option(help: "Keep jobs in PostgreSQL instead of --db: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (several servers may share it).")
    var store: String?
    @Option(help: "With --store: this server's name in the leases on its running videos (default: host name and --data-dir). A restarted server takes its own videos back at once; another server's are taken over once their lease expires.")
    var instance: String?
    @Option(help: "With --store: how long a claim on a video holds without renewal (e.g. 30s); a dead server's videos are queued again this long after its last renewal.")
    var lease: String = "30s"
    @Option(name: .customLong("data-dir"), help: "The server's files: uploaded videos (removed with their job) and the URL download cache.")
    var dataDir: String = "framewise-data"
    @Option(name: .customLong("max-upload"), help: "Largest multipart upload (e.g. 500M, 2G); beyond it 413.") var maxUpload: ByteCount = ByteCount(argument: "1G")!
    @Option(name: .customLong("max-download"), help: "Largest video fetched from a URL (e.g. 2G).") var maxDownload: ByteCount = ByteCount(argument: "2G")!
    @Option(name: .customLong("allow-private-url"),
            help: "A host or network (10.0.0.0/8, 127.0.0.1) URLs may resolve to although loopback, link-local or private (repeat for several).")
    var allowPrivateURLs: [String] = []
    @OptionGroup var downloadRetry: DownloadRetryOptions
    @Option(name: .customLong("allow-root"), help: "A folder whose videos clients may submit (repeat for several).") var allowRoots: [String] = []
    @Option(name: .customLong("max-queued"), help: "Most videos waiting, all jobs together; beyond it submissions get 429 with Retry-After.")
    var maxQueued: Int = 1000
    @Option(name: .customLong("max-in-flight"), help: "Videos in each pipeline's engine at once (default: twice the cores).") var maxInFlight: Int?
    @Option(name: .customLong("retention-days"), help: "Delete finished jobs older than this many days (0: keep).") var retentionDays: Int = 0
    @Option(name: .customLong("drain-seconds"), help: "On SIGTERM, how long engine runs in flight may finish before they are left for the next start.")
    var drainSeconds: Int = 30
    @Option(name: .customLong("worker-threads"), help: "Threads for preprocessing and inference (default: the core count).") var workerThreads: Int?
    @Option(name: .customLong("decode-slots"),
            help: "Admitted videos decoding at once, oldest first: 1 gives the lowest tail latency when inputs never stall (default: every admitted video).")
    var decodeSlots: Int?
    @Option(name: .customLong("engine-nice"), parsing: .unconditional,
            help: "Nice value added to the engine's decode and inference threads, so requests are answered at once under load (0: off).")
    var engineNice = 10
    @Flag(name: .customLong("engine-idle"),
          help: "On a machine of its own: run the engine's decode and inference threads under SCHED_IDLE as well (Linux), so a request thread preempts them at once. They still use every idle core, but get almost nothing while other processes keep the cores busy.")
    var engineIdle = false
    @Option(help: "Write one trace per video here, one span per JSON line (read by `framewise report --trace`).") var trace: String?
    @Option(help: ArgumentHelp("Where the stages run: memory (in this process) or redis://[:password@]host:port[/db] (on `framewise worker` processes, as `run --broker`; "
            + "--data-dir must then be on storage the workers see, for uploads and downloads)."))
    var broker: String = "memory"
    @OptionGroup var location: RedisLocation
    @OptionGroup var streams: StreamArguments
    @OptionGroup var engine: EngineOptions

    /// The distributed deployment `--broker` names.
    var cluster: ClusterArguments { ClusterArguments(broker: broker, location: location, streams: streams) }

    func validate() throws {
        if pipelines.isEmpty { throw ValidationError("give at least one pipeline file") }
        if allowRoots.isEmpty { throw ValidationError("give --allow-root DIR: the folders whose videos clients may submit") }
        if maxQueued < 1 { throw ValidationError("--max-queued must be at least 1") }
        if !(0...19).contains(engineNice) { throw ValidationError("--engine-nice must be within 0...19, got \(engineNice)") }
        if let m = maxInFlight, m < 1 { throw ValidationError("--max-in-flight must be at least 1") }
        if retentionDays < 0 { throw ValidationError("--retention-days must not be negative") }
        if drainSeconds < 0 { throw ValidationError("--drain-seconds must not be negative") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1") }
        if let d = decodeSlots, d < 1 { throw ValidationError("--decode-slots must be at least 1, got \(d)") }
        try ClusterArguments.validate(broker: broker)
        guard let seconds = try? PlanningUnits.seconds(lease), seconds >= 1 else { throw ValidationError("--lease must be a duration of at least 1s, got '\(lease)'") }
        if cluster.isRedis, decodeSlots != nil || workerThreads != nil {
            throw ValidationError("--decode-slots and --worker-threads apply to this process; with --broker redis:// give them to each `framewise worker`")
        }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let server: JobServer
        let traceFile: JSONLinesSpanFile?
        do { traceFile = try trace.map { path throws(ResultWriteError) in try JSONLinesSpanFile(path: path) } } catch {
            FileHandle.standardError.write(Data("error: --trace \(error.destination): \(error.reason)\n".utf8))
            throw ExitCode(2)
        }
        do {
            var postgres: PostgresURL?
            if let store { postgres = try PostgresURL(parsing: store) }
            var config = ServerConfiguration(
                pipelines: pipelines, bind: try ListenAddress(parsing: bind), databasePath: db, postgres: postgres,
                dataDirectory: dataDir, maxUploadBytes: maxUpload.bytes, allowPrivateURLs: allowPrivateURLs, maxDownloadBytes: maxDownload.bytes,
                allowedRoots: allowRoots, maxQueued: maxQueued,
                maxInFlight: maxInFlight, retentionDays: retentionDays, drainTimeout: .seconds(drainSeconds), ortLibrary: engine.ortLibrary,
                engine: {
                    var e = EngineConfiguration(workerThreads: workerThreads)
                    e.decodeSlots = decodeSlots
                    e.computePriority = ComputePriority(niceness: engineNice, idlePolicy: engineIdle)
                    return e
                }())
            config.sqliteSync = storeSync
            config.tracer = traceFile.map { RecordingTracer(exporter: $0) }
            // --reclaim-after was checked in validate(); settings() cannot fail here.
            if cluster.isRedis { config.cluster = try? cluster.settings() }
            config.instance = instance
            config.downloadTimeout = downloadRetry.duration
            config.downloadRetries = downloadRetry.retries
            config.lease = .seconds((try? PlanningUnits.seconds(lease)) ?? 30)
            server = try await buildServer(config, logger: Logger(label: "framewise.serve")) { address in
                FileHandle.standardOutput.write(Data("framewise serve: listening on http://\(address)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(error.exitCode)
        }
        if server.recovered > 0 {
            FileHandle.standardError.write(Data("serve: \(server.recovered) videos left running by the previous process are queued again\n".utf8))
        }
        try await server.run()
        do { try traceFile?.close() } catch {
            FileHandle.standardError.write(Data("error: --trace \(error.destination): \(error.reason)\n".utf8))
        }
        FileHandle.standardError.write(Data("serve: stopped\n".utf8))
    }
}
extension SQLiteJobRepository.Sync: ExpressibleByArgument {}
