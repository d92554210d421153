import FramewiseCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A `Broker` on Redis Streams: one stream per topic, Redis consumer groups, at-least-once
/// delivery with `XACK`, redelivery by `XAUTOCLAIM`, dead letters in a second stream.
///
/// Messages are JSON-encoded into the entry field `m`; they should be small references (frames
/// travel by reference, which is the engine's concern).
///
/// ## How the bound is enforced (backpressure without loss)
/// `maxLength` bounds `XLEN` of the topic's stream, and nothing is ever dropped to keep it:
/// - Every `ack`, dead-letter and `publish` trims the stream with `XTRIM MINID <floor>`, where
///   the floor is the oldest entry any group still needs (its oldest pending entry, else the one
///   after its last-delivered id). So the stream holds exactly the entries that some group has
///   not delivered or not acked, plus acked entries above some group's oldest pending one
///   (trimming is by position, so one old unacked entry holds back those after it until it is
///   acked, reclaimed or dead-lettered).
/// - `publish` appends through a Lua script that trims, reads `XLEN` and appends only as many
///   messages as fit, atomically. Concurrent publishers cannot overshoot: `XLEN <= maxLength`
///   holds at every instant, with no slack. When nothing fits, `publish` polls (the same script
///   with no payload) with `publishBackoff` until consumers ack; it can be cancelled.
/// - Never `XADD MAXLEN`, which would drop unconsumed work. A stream without consumer groups is
///   never trimmed, so create groups (`createGroup`, or a first `consume`) before publishing
///   more than `maxLength` messages; a group created later starts at the oldest kept entry.
public final class RedisStreamsBroker<Message: Codable & Sendable>: Broker {
    /// The settings this broker was built with.
    public let configuration: RedisStreamsBrokerConfiguration
    let pool: RedisConnectionPool
    let logger: Logger
    /// `stream key + "\u{0}" + group` for groups known to exist.
    private let knownGroups = Mutex<Set<String>>([])

    /// A broker on a pool of `configuration.poolSize` connections, opened lazily.
    public init(
        configuration: RedisStreamsBrokerConfiguration,
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "framewise.redis", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.logger = logger
        self.pool = RedisConnectionPool(
            configuration: configuration.connection,
            maxConnections: configuration.poolSize,
            reconnect: configuration.reconnect,
            on: group,
            logger: logger
        )
    }

    /// Closes the connections; later calls throw `BrokerError.closed`.
    public func shutdown() async {
        await pool.close()
    }

    /// Creates `group` on `topic` (and the stream) if missing, starting at the oldest entry.
    /// `consume` does this itself; call it before publishing so no message predates the group.
    public func createGroup(topic: String, group: String) async throws {
        try await run { connection in try await self.ensureGroup(topic: topic, group: group, on: connection, force: true) }
    }

    func ensureGroup(topic: String, group: String, on connection: RedisConnection, force: Bool = false) async throws(RedisError) {
        let key = configuration.streamKey(topic)
        let marker = key + "\u{0}" + group
        if !force, knownGroups.withLock({ $0.contains(marker) }) { return }
        do {
            try await connection.send(RESPCommand("XGROUP", "CREATE", key, group, "0", "MKSTREAM"))
        } catch where error.serverErrorCode == "BUSYGROUP" {
            // Another consumer made it first: fine.
        }
        knownGroups.withLock { _ = $0.insert(marker) }
    }

    func forgetGroup(topic: String, group: String) {
        let marker = configuration.streamKey(topic) + "\u{0}" + group
        knownGroups.withLock { _ = $0.remove(marker) }
    }

    /// `command` found the group (or its stream) gone: Redis lost it (a restart without
    /// persistence, FLUSHALL, eviction, failover) or someone deleted it. Makes it again, starting
    /// at the oldest entry still stored, and says so at warning level.
    func recreateGroup(topic: String, group: String, on connection: RedisConnection, after command: String) async throws(RedisError) {
        forgetGroup(topic: topic, group: group)
        try await ensureGroup(topic: topic, group: group, on: connection)
        logger.warning(
            "consumer group vanished (Redis restarted without persistence, FLUSHALL, eviction or failover?); recreated it",
            metadata: ["topic": "\(topic)", "group": "\(group)", "noticed-by": "\(command)"]
        )
    }

    /// Runs `body` on a pooled connection, retrying on a new connection when the old one was
    /// lost, and maps Redis errors to `BrokerError`.
    func run<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        try await pool.withRetries(attempts: configuration.operationAttempts, backoff: configuration.reconnect, logger: logger, body)
    }

    func encode(_ message: Message) throws -> ByteBuffer {
        do {
            return ByteBuffer(bytes: try JSONEncoder().encode(message))
        } catch {
            throw BrokerError.codec("encoding \(Message.self): \(error)")
        }
    }

    func decode(_ payload: ByteBuffer?) throws(BrokerError) -> Message {
        guard let payload else { throw .codec("entry has no field m") }
        do {
            return try JSONDecoder().decode(Message.self, from: Data(payload.readableBytesView))
        } catch {
            throw .codec("decoding \(Message.self): \(error)")
        }
    }
}
