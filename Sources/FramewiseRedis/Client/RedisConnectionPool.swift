import Logging
import NIOCore
import NIOPosix

/// A bounded set of connections to one server, leased to one task at a time.
///
/// `withConnection` leases an idle connection, opens a new one while fewer than `maxConnections`
/// exist, or waits for one to come back. A connection found closed (the server went away) is
/// dropped and replaced; opening one retries with `reconnect` backoff (exponential, capped,
/// jittered), so callers ride out a server restart. A leased connection may run blocking
/// commands: each task gets a connection of its own.
public actor RedisConnectionPool {
    /// Connection target and timeouts.
    public nonisolated let configuration: RedisConnectionConfiguration
    /// The most connections open at once.
    public nonisolated let maxConnections: Int
    /// Backoff between failed attempts to open a connection.
    public nonisolated let reconnect: RedisBackoff

    private let group: any EventLoopGroup
    private let logger: Logger
    private var idle: [RedisConnection] = []
    /// Open or opening connections, leased or idle.
    private var count = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    /// A pool that opens connections lazily on `group`.
    public init(
        configuration: RedisConnectionConfiguration,
        maxConnections: Int = 8,
        reconnect: RedisBackoff = RedisBackoff(),
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "framewise.redis", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.maxConnections = max(1, maxConnections)
        self.reconnect = reconnect
        self.group = group
        self.logger = logger
    }

    /// Leases a connection for `body` and returns it afterwards (a closed one is dropped).
    ///
    /// A connection that sat idle may have died without the pool noticing yet (the server just
    /// restarted). With `retryOnConnectionLoss`, a body that fails because the connection was
    /// lost runs once more on a fresh connection; use it only for idempotent work.
    public nonisolated func withConnection<T: Sendable>(
        retryOnConnectionLoss: Bool = false,
        _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        var retried = false
        while true {
            let connection = try await lease()
            do {
                let result = try await body(connection)
                await release(connection)
                return result
            } catch let error as RedisError where error.isConnectionLoss && retryOnConnectionLoss && !retried {
                await release(connection)
                retried = true
            } catch {
                await release(connection)
                throw error
            }
        }
    }

    /// Takes a connection out of the pool; give it back with `release(_:)`.
    public func lease() async throws(RedisError) -> RedisConnection {
        while true {
            guard !closed else { throw .closed }
            while let connection = idle.popLast() {
                if connection.isActive { return connection }
                count -= 1
                logger.debug("redis pool dropped a closed connection")
            }
            if count < maxConnections {
                count += 1
                do {
                    return try await open()
                } catch {
                    count -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Returns a leased connection. Closed connections are dropped, freeing a slot.
    public func release(_ connection: RedisConnection) async {
        if closed || !connection.isActive {
            count -= 1
            if connection.isActive { await connection.close() }
        } else {
            idle.append(connection)
        }
        wakeOne()
    }

    /// Closes idle connections now and leased ones when they come back; leases then fail.
    public func close() async {
        closed = true
        let toClose = idle
        count -= idle.count
        idle.removeAll()
        for connection in toClose { await connection.close() }
        let all = waiters
        waiters.removeAll()
        for waiter in all { waiter.resume() }
    }

    /// Open (idle or leased) connections, and idle ones.
    public var counts: (open: Int, idle: Int) { (count, idle.count) }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    private func open() async throws(RedisError) -> RedisConnection {
        var attempt = 0
        while true {
            do {
                return try await RedisConnection.connect(to: configuration, on: group, logger: logger)
            } catch {
                // Refused credentials or a bad configuration will not get better by retrying.
                guard error.isConnectionLoss, reconnect.allows(attempt: attempt + 1), !closed else { throw error }
                let delay = reconnect.delay(attempt: attempt)
                logger.info("redis connect failed, retrying", metadata: ["error": "\(error)", "delay": "\(delay)"])
                attempt += 1
                do { try await Task.sleep(for: delay) } catch { throw .closed }
            }
        }
    }
}
