import ArgumentParser
import FramewiseCore
import FramewisePlanner
import FramewiseRedis
import FramewiseRuntime
import Foundation
import Glibc
import Logging

/// Where a Redis deployment keeps its keys and frames (`run --broker redis://`, `worker`, `status`).
struct RedisLocation: ParsableArguments {
    @Option(name: .customLong("frames-dir"), help: "Folder for decoded frames that every worker sees (shared storage across machines).")
    var framesDir: String = NSTemporaryDirectory() + "framewise-frames"
    @Option(name: .customLong("key-prefix"), help: "Prefix of every Redis key.") var keyPrefix = "framewise"
}

/// How the stage streams behave (`run --broker redis://`, `worker`; `status` takes them hidden, so
/// the same settings can be given to every command).
struct StreamArguments: ParsableArguments {
    @Option(name: .customLong("max-length"), help: "Most messages a stage's stream holds; producers wait beyond it (backpressure).") var maxLength = 1000
    @Option(name: .customLong("max-deliveries"), help: "Deliveries of a message before it is dead-lettered and its video fails.") var maxDeliveries = 5
    @Option(name: .customLong("reclaim-after"), help: "A message unacked this long by a worker is taken over by another (e.g. 30s); must exceed the longest batch.")
    var reclaimAfter = "30s"

    func validate() throws {
        if maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if maxDeliveries < 1 { throw ValidationError("--max-deliveries must be at least 1") }
        do { _ = try PlanningUnits.seconds(reclaimAfter) } catch { throw ValidationError("--reclaim-after: \(error)") }
    }
}

/// A command's distributed deployment: its `--broker` (each command declares its own: `run`
/// defaults to memory, `worker` and `status` need Redis) with the location and stream options.
struct ClusterArguments {
    var broker: String
    var location: RedisLocation
    var streams: StreamArguments

    var framesDir: String { location.framesDir }
    var keyPrefix: String { location.keyPrefix }
    var maxLength: Int { streams.maxLength }
    var maxDeliveries: Int { streams.maxDeliveries }
    var reclaimAfter: String { streams.reclaimAfter }

    var isRedis: Bool { broker.hasPrefix("redis://") || broker.hasPrefix("rediss://") }

    /// `--broker` without its password, for messages.
    var displayBroker: String {
        guard var components = URLComponents(string: broker), components.password != nil else { return broker }
        components.password = "***"
        return components.string ?? broker
    }

    /// `--broker` is memory or a Redis URL (`redisOnly`: only a Redis URL, for `command`).
    static func validate(broker: String, redisOnly command: String? = nil) throws {
        let redis = broker.hasPrefix("redis://") || broker.hasPrefix("rediss://")
        if let command, !redis { throw ValidationError("\(command) needs --broker redis://HOST:PORT, not '\(broker)'") }
        if broker != "memory" && !redis { throw ValidationError("--broker must be memory or a redis:// URL, not '\(broker)'") }
    }

    func reclaimDuration() throws -> Duration { .microseconds(Int64(try PlanningUnits.seconds(reclaimAfter) * 1e6)) }

    func options() throws -> ClusterOptions {
        ClusterOptions(reclaimAfter: try reclaimDuration(), maxDeliveries: maxDeliveries, faults: Self.faultsFromEnvironment())
    }

    /// Fault injection for the fault tests: `FRAMEWISE_FAULT_CRASH_ON=TEXT` makes this process exit
    /// (status 70) mid-decode of a video whose path contains TEXT, as a crashing decoder would.
    static func faultsFromEnvironment() -> FaultHooks {
        guard let poison = ProcessInfo.processInfo.environment["FRAMEWISE_FAULT_CRASH_ON"], !poison.isEmpty else { return FaultHooks() }
        return FaultHooks(decodedFrame: { path in if path.contains(poison) { Glibc.exit(70) } })
    }

    /// Connects once, with a short timeout, and sends PING: a broker that does not answer at start
    /// is an error (exit 1, naming it) instead of a silent wait. Once connected, commands retry.
    func checkReachable(timeout: Duration = .seconds(3)) async throws {
        do {
            var configuration = try RedisConnectionConfiguration(url: broker)
            configuration.connectTimeout = timeout
            try await Self.ping(configuration, timeout: timeout)
        } catch let error as RedisError {
            FileHandle.standardError.write(Data("error: cannot reach Redis at \(displayBroker): \(error) (is redis-server running there? check --broker)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// One PING on a connection of its own, given up after `timeout` (a server that accepts and never answers).
    private static func ping(_ configuration: RedisConnectionConfiguration, timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let connection = try await RedisConnection.connect(to: configuration)
                defer { Task { await connection.close() } }
                let reply = try await connection.send(RESPCommand("PING"))
                if let message = reply.errorMessage { throw RedisError.authentication(message: message) }
            }
            group.addTask {
                try await Task.sleep(for: timeout * 2)
                throw RedisError.connect(host: configuration.host, port: configuration.port, message: "no answer within \(timeout * 2)")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Connections to the Redis deployment (lazy: nothing connects until first used).
    func connect() throws -> ClusterConnection {
        do {
            let frames = try RedisStreamsBrokerConfiguration(url: broker, keyPrefix: keyPrefix, maxLength: maxLength, maxDeliveries: maxDeliveries)
            let logger = Logger(label: "framewise.redis")
            return ClusterConnection(
                frames: RedisStreamsBroker<FrameMessage>(configuration: frames, logger: logger),
                videos: RedisStreamsBroker<VideoMessage>(configuration: frames, logger: logger),
                store: RedisJobStore(connection: frames.connection, keyPrefix: keyPrefix, logger: logger),
                storage: SharedFolderFrameStorage(root: framesDir),
                broker: displayBroker
            )
        } catch {
            FileHandle.standardError.write(Data("error: --broker \(broker): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// The brokers, job store and frame storage of a Redis deployment.
struct ClusterConnection {
    let frames: RedisStreamsBroker<FrameMessage>
    let videos: RedisStreamsBroker<VideoMessage>
    let store: RedisJobStore
    let storage: SharedFolderFrameStorage
    /// The broker URL without its password.
    let broker: String

    /// The server's persistence and eviction settings, read on a connection of their own (at
    /// once: no retries when the server is unreachable).
    func durability() async throws -> RedisDurability {
        try await RedisDurability.read(from: store.connection)
    }

    /// Prints one `warning:` line per way the server's settings can lose acknowledged work.
    func warn(_ durability: RedisDurability) {
        for warning in durability.warnings {
            FileHandle.standardError.write(Data("warning: \(broker): \(warning)\n".utf8))
        }
    }

    func shutdown() async {
        await frames.shutdown()
        await videos.shutdown()
        await store.shutdown()
    }
}

extension BrokerLossPolicy: ExpressibleByArgument {}
