import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import Logging

/// Where and how a distributed deployment runs: the Redis URL, the shared frames folder, the key
/// prefix and the stream settings. `run --broker redis://`, `worker` and `status` build one from
/// their options; `connect()` gives the brokers, job store and frame storage they share.
public struct ClusterSettings: Sendable {
    /// `redis://[:password@]host:port[/db]` (`rediss://` for TLS).
    public var broker: String
    /// Folder for decoded frames that every worker sees.
    public var framesDirectory: String
    /// Prefix of every Redis key.
    public var keyPrefix: String
    /// Most messages a stage's stream holds before producers wait.
    public var maxLength: Int
    /// Deliveries of a message before it is dead-lettered.
    public var maxDeliveries: Int
    /// A message unacked this long is taken over by another worker.
    public var reclaimAfter: Duration
    /// Fault injection (tests).
    public var faults: FaultHooks

    public init(broker: String, framesDirectory: String, keyPrefix: String = "framewise", maxLength: Int = 1000, maxDeliveries: Int = 5,
                reclaimAfter: Duration = .seconds(30), faults: FaultHooks = FaultHooks()) {
        self.broker = broker
        self.framesDirectory = framesDirectory
        self.keyPrefix = keyPrefix
        self.maxLength = maxLength
        self.maxDeliveries = maxDeliveries
        self.reclaimAfter = reclaimAfter
        self.faults = faults
    }

    /// Whether `broker` names a Redis server.
    public static func isRedis(_ broker: String) -> Bool { broker.hasPrefix("redis://") || broker.hasPrefix("rediss://") }

    /// `broker` without its password, for messages.
    public var displayBroker: String {
        guard var components = URLComponents(string: broker), components.password != nil else { return broker }
        components.password = "***"
        return components.string ?? broker
    }

    /// The workers' options: reclaim, delivery limit, fault hooks.
    public var options: ClusterOptions { ClusterOptions(reclaimAfter: reclaimAfter, maxDeliveries: maxDeliveries, faults: faults) }

    /// Connects once, with a short timeout, and sends PING: a broker that does not answer at start
    /// is an error naming it instead of a silent wait. Once connected, commands retry.
    public func checkReachable(timeout: Duration = .seconds(3)) async throws(AppError) {
        do {
            var configuration = try RedisConnectionConfiguration(url: broker)
            configuration.connectTimeout = timeout
            try await Self.ping(configuration, timeout: timeout)
        } catch {
            throw .unreachable("cannot reach Redis at \(displayBroker): \(error) (is redis-server running there? check --broker)")
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

    /// Connections to the deployment (lazy: nothing connects until first used).
    public func connect() throws(AppError) -> ClusterConnection {
        do {
            let frames = try RedisStreamsBrokerConfiguration(url: broker, keyPrefix: keyPrefix, maxLength: maxLength, maxDeliveries: maxDeliveries)
            let logger = Logger(label: "framewise.redis")
            return ClusterConnection(
                frames: RedisStreamsBroker<FrameMessage>(configuration: frames, logger: logger),
                videos: RedisStreamsBroker<VideoMessage>(configuration: frames, logger: logger),
                store: RedisJobStore(connection: frames.connection, keyPrefix: keyPrefix, logger: logger),
                storage: SharedFolderFrameStorage(root: framesDirectory),
                broker: displayBroker)
        } catch {
            throw .invalidArgument(name: "--broker", message: "\(broker): \(error)")
        }
    }
}

/// The brokers, job store and frame storage of a Redis deployment.
public struct ClusterConnection: Sendable {
    public let frames: RedisStreamsBroker<FrameMessage>
    public let videos: RedisStreamsBroker<VideoMessage>
    public let store: RedisJobStore
    public let storage: SharedFolderFrameStorage
    /// The broker URL without its password.
    public let broker: String

    /// The server's persistence and eviction settings, read on a connection of their own (at
    /// once: no retries when the server is unreachable).
    public func durability() async throws -> RedisDurability {
        try await RedisDurability.read(from: store.connection)
    }

    /// One line per way the server's settings can lose acknowledged work, naming the broker.
    public func warnings(_ durability: RedisDurability) -> [String] {
        durability.warnings.map { "\(broker): \($0)" }
    }

    public func shutdown() async {
        await frames.shutdown()
        await videos.shutdown()
        await store.shutdown()
    }
}
