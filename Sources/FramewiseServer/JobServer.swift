import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseDownloader
import Hummingbird
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A built server: the pipelines loaded, the store open and recovered, routes wired. `run()`
/// serves until SIGTERM/SIGINT (or `shutdown()`): it then stops accepting connections, ends event
/// streams, lets engine runs in flight finish (or leaves them to be re-queued at the next start)
/// and returns.
public final class JobServer: Sendable {
    public let configuration: ServerConfiguration
    /// The job store.
    public let repository: any ServerStore
    /// Fetches URL videos into `<data directory>/downloads`.
    public let downloader: Downloader
    /// Pipeline names served.
    public let pipelines: [String]
    /// Videos put back in the queue at start (left running by a previous process).
    public let recovered: Int
    private let group: ServiceGroup
    private let boundPort = ListeningPort()

    /// The port listened on, once listening (useful with port 0).
    public var port: Int? { boundPort.value.withLock { $0 } }

    /// The engines' metrics, served at `/metrics` in Prometheus' text format.
    public let metrics: PrometheusMetrics

    init(configuration: ServerConfiguration, repository: any ServerStore, downloader: Downloader, applications: [FramewiseApplication],
         recovered: Int, metrics: PrometheusMetrics, logger: Logger, onListening: @escaping @Sendable (String) -> Void) {
        self.metrics = metrics
        self.downloader = downloader
        self.configuration = configuration
        self.repository = repository
        self.recovered = recovered
        pipelines = applications.map(\.pipeline.spec.name)
        let changes = ChangeSignal()
        let uploads = UploadStore(root: configuration.dataDirectory + "/uploads")
        let housekeeping = ServerHousekeeping(repository: repository, changes: changes, retentionDays: configuration.retentionDays,
                                              uploads: uploads, logger: logger, leaseInterval: configuration.lease / 3)
        let activity = RecentActivity()
        let dispatchers = applications.map {
            JobDispatcher(application: $0, repository: repository, changes: changes, maxInFlight: $0.engine.decoders,
                          drainTimeout: configuration.drainTimeout, logger: logger, activity: activity)
        }
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: RequestTimingMiddleware(factory: metrics.factory))
        router.add(middleware: JSONErrorMiddleware(retryAfter: { [repository] excess in await Self.retryAfter(excess: excess, repository) }))
        HealthRoutes(repository: repository, pipelines: pipelines, housekeeping: housekeeping, metrics: metrics,
                     broker: configuration.cluster).register(on: router)
        let gate = TokenGate()
        let v1 = router.group("v1").add(middleware: BearerAuthMiddleware(tokens: repository, alwaysRequired: !configuration.bind.isLoopback, gate: gate))
        JobRoutes(repository: repository, pipelines: Dictionary(uniqueKeysWithValues: dispatchers.map { ($0.pipelineName, $0) }),
                  paths: PathPolicy(roots: configuration.allowedRoots), maxQueued: configuration.maxQueued, changes: changes,
                  housekeeping: housekeeping, uploads: uploads, maxUploadBytes: configuration.maxUploadBytes,
                  allowPrivateURLs: configuration.allowPrivateURLs).register(on: v1)
        let ui = router.group().add(middleware: BearerAuthMiddleware(tokens: repository, alwaysRequired: !configuration.bind.isLoopback, gate: gate, browser: true))
        UIRoutes(repository: repository, activity: activity, housekeeping: housekeeping,
                 inFlight: { dispatchers.reduce(0) { $0 + $1.inFlight } }, slo: configuration.engine.slo?.seconds).register(on: ui)
        let bind = configuration.bind
        let port = boundPort
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(bind.host, port: bind.port), serverName: "framewise"),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? bind.port
                port.value.withLock { $0 = actual }
                onListening(ListenAddress(host: bind.host, port: actual).description)
            },
            eventLoopGroupProvider: .shared(Self.httpLoops),
            logger: logger)
        // Requests are handled on the event loop that reads them, not on Swift's global executor,
        // and so are the dispatchers' claims: a submission wakes its dispatcher on the same thread,
        // after the answer is written, instead of waking (and at times yielding the core to) another.
        let loop = EventLoopTaskExecutor(loop: Self.httpLoops.next())
        let pinned: [any Service] = (dispatchers as [any Service] + [app]).map { ExecutorPinnedService(base: $0, executor: loop) }
        // Graceful shutdown runs in reverse order: housekeeping marks the server draining (event
        // streams end), the HTTP server stops accepting and finishes its requests, then the
        // dispatchers finish their engine runs.
        group = ServiceGroup(configuration: .init(services: pinned + [housekeeping], gracefulShutdownSignals: [.sigterm, .sigint],
                                                  logger: logger))
    }

    /// The HTTP servers' one event-loop thread (per process): connections are read and written,
    /// and their requests handled, there (`EventLoopTaskExecutor`); store calls are short, and
    /// the engine runs on threads of its own.
    static let httpLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// Serves until a graceful shutdown completes, then closes the downloader and the store.
    public func run() async throws {
        do {
            try await group.run()
        } catch {
            await downloader.shutdown()
            await repository.close()
            throw error
        }
        await downloader.shutdown()
        await repository.close()
    }

    /// Starts a graceful shutdown, as SIGTERM does.
    public func shutdown() async { await group.triggerGracefulShutdown() }

    /// Seconds a client should wait when the queue is `excess` videos too full: that many videos
    /// at the rate results were stored in the last minute (5 s without a rate), 1...300.
    static func retryAfter(excess: Int, _ repository: any JobRepository) async -> Int {
        guard let load = try? await repository.load(window: 60), load.recentResults > 0 else { return 5 }
        let perSecond = Double(load.recentResults) / 60
        return Int(min(300, max(1, (Double(max(1, excess)) / perSecond).rounded(.up))))
    }
}

/// Builds the server: checks the configuration, opens the store (refusing to listen beyond
/// loopback without tokens), re-queues videos a previous process left running, loads every
/// pipeline once. Nothing listens until `run()`.
public func buildServer(_ configuration: ServerConfiguration, backend: (any InferenceBackend)? = nil,
                        logger: Logger = Logger(label: "framewise.serve"),
                        onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws(ServerError) -> JobServer {
    guard !configuration.pipelines.isEmpty else { throw .invalidArgument(name: "PIPELINE", message: "give at least one pipeline file") }
    guard !configuration.allowedRoots.isEmpty else {
        throw .invalidArgument(name: "--allow-root", message: "give the folders whose videos clients may submit (--allow-root DIR)")
    }
    for root in configuration.allowedRoots {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidArgument(name: "--allow-root", message: "\(root) is not a folder")
        }
    }
    guard configuration.maxQueued >= 1 else { throw .invalidArgument(name: "--max-queued", message: "must be at least 1") }
    guard configuration.retentionDays >= 0 else { throw .invalidArgument(name: "--retention-days", message: "must not be negative") }
    guard configuration.maxUploadBytes >= 1 else { throw .invalidArgument(name: "--max-upload", message: "must be at least 1 byte") }
    do {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory + "/uploads", withIntermediateDirectories: true)
    } catch {
        throw .invalidArgument(name: "--data-dir", message: "cannot create \(configuration.dataDirectory)/uploads: \(error.localizedDescription)")
    }
    let repository: any ServerStore
    do { repository = try await configuration.openStore() } catch { throw .store(error) }
    do {
        return try await buildServer(configuration, repository: repository, backend: backend, logger: logger, onListening: onListening)
    } catch {
        await repository.close()
        throw error
    }
}

/// The rest of `buildServer`, with the store open (closed by the caller on error).
private func buildServer(_ configuration: ServerConfiguration, repository: any ServerStore, backend: (any InferenceBackend)?, logger: Logger,
                         onListening: @escaping @Sendable (String) -> Void) async throws(ServerError) -> JobServer {
    if !configuration.bind.isLoopback {
        let protected: Bool
        do { protected = try await repository.hasActiveTokens() } catch { throw .store(error) }
        guard protected else { throw .unprotected(bind: configuration.bind.description, database: configuration.storeArgument) }
    }
    if let cluster = configuration.cluster {
        do {
            _ = try cluster.connect()
            try await cluster.checkReachable()
        } catch {
            throw .application(error)
        }
    }
    let metrics = PrometheusMetrics()
    let downloader = Downloader(configuration: DownloaderConfiguration(
        cacheDirectory: configuration.dataDirectory + "/downloads", maxBytes: configuration.maxDownloadBytes, timeout: configuration.downloadTimeout,
        retries: configuration.downloadRetries, allowList: configuration.allowPrivateURLs),
        metrics: DownloadMetrics(factory: metrics.factory))
    let resolver = DownloadingResolver(downloader: downloader)
    var engine = configuration.engine
    if let maxInFlight = configuration.maxInFlight { engine.decoders = max(1, maxInFlight) }
    var applications: [FramewiseApplication] = []
    for path in configuration.pipelines {
        let app: FramewiseApplication
        do {
            app = try buildApplication(AppConfiguration(pipelinePath: path, ortLibrary: configuration.ortLibrary, engine: engine,
                                                        metrics: metrics.factory, tracer: configuration.tracer, resolver: resolver,
                                                        cluster: configuration.cluster), backend: backend)
        } catch {
            await downloader.shutdown()
            throw .application(error)
        }
        if let other = applications.first(where: { $0.pipeline.spec.name == app.pipeline.spec.name }) {
            await downloader.shutdown()
            throw .invalidArgument(name: "PIPELINE", message: "\(path) and \(other.configuration.pipelinePath) are both named \(app.pipeline.spec.name)")
        }
        applications.append(app)
    }
    let recovered: Int
    do { recovered = try await repository.recoverInterrupted() } catch {
        await downloader.shutdown()
        throw .store(error)
    }
    await UploadStore(root: configuration.dataDirectory + "/uploads").removeOrphans(in: repository)
    return JobServer(configuration: configuration, repository: repository, downloader: downloader, applications: applications,
                     recovered: recovered, metrics: metrics, logger: logger, onListening: onListening)
}

/// Where the port listened on is recorded once the server runs.
private final class ListeningPort: Sendable {
    let value = Mutex<Int?>(nil)
}
