import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One connection to a Redis server: send a command and await its reply, or send many at once
/// (pipelining) and await all replies. Safe to use from many tasks at once; replies are matched
/// to commands in the order they were written.
///
/// Open it with `connect(to:on:logger:)`; it authenticates (`AUTH`) and selects the database
/// (`SELECT`) before it is handed out. Close it with `close()`.
public final class RedisConnection: Sendable {
    /// The configuration this connection was opened with.
    public let configuration: RedisConnectionConfiguration
    private let channel: any Channel
    private let logger: Logger

    private init(channel: any Channel, configuration: RedisConnectionConfiguration, logger: Logger) {
        self.channel = channel
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens, authenticates and selects. Throws `RedisError.connect` when the server cannot be
    /// reached, `.authentication` when it refuses the credentials.
    public static func connect(
        to configuration: RedisConnectionConfiguration,
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "framewise.redis", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws(RedisError) -> RedisConnection {
        let sslContext: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                sslContext = try NIOSSLContext(configuration: tls.makeTLSConfiguration())
            } catch let error as RedisError {
                throw error
            } catch {
                throw .invalidConfiguration("TLS: \(error)")
            }
        } else {
            sslContext = nil
        }
        let sniHost = configuration.tls.flatMap { $0.serverHostname } ?? (Self.isIPAddress(configuration.host) ? nil : configuration.host)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let tlsHandler = try NIOSSLClientHandler(context: sslContext, serverHostname: sniHost)
                        try channel.pipeline.syncOperations.addHandler(tlsHandler)
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw .connect(host: configuration.host, port: configuration.port, message: "\(error)")
        }
        let connection = RedisConnection(channel: channel, configuration: configuration, logger: logger)
        do {
            try await connection.handshake()
        } catch {
            await connection.close()
            throw error
        }
        logger.debug("redis connected", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)"])
        return connection
    }

    private func handshake() async throws(RedisError) {
        if let password = configuration.password {
            let auth = configuration.username.map { RESPCommand("AUTH", $0, password) } ?? RESPCommand("AUTH", password)
            let reply = try await pipeline([auth])[0]
            if let message = reply.errorMessage { throw .authentication(message: message) }
        }
        if configuration.database != 0 {
            try await send(RESPCommand("SELECT", configuration.database))
        } else if configuration.password == nil, configuration.tls != nil {
            // The TLS handshake finishes after the TCP connect: make its failure show up here.
            try await send(RESPCommand("PING"))
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }

    /// Whether the connection is open. A closed connection fails every command.
    public var isActive: Bool { channel.isActive }

    /// Sends one command and returns its reply; an error reply throws `RedisError.server`.
    ///
    /// `timeout` defaults to the configuration's `commandTimeout`; give blocking commands
    /// (`XREADGROUP ... BLOCK`) their block time plus a margin.
    @discardableResult
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws(RedisError) -> RESPValue {
        let reply = try await pipeline([command], timeout: timeout)[0]
        if let message = reply.errorMessage { throw .server(command: command.name, message: message) }
        return reply
    }

    /// Sends `commands` in one write and returns their replies in order. Error replies are
    /// returned as `.error` values (one failing command does not fail the others); a
    /// connection failure or time-out throws.
    public func pipeline(_ commands: [RESPCommand], timeout: Duration? = nil) async throws(RedisError) -> [RESPValue] {
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(commands: commands, promise: promise, timeout: timeout ?? configuration.commandTimeout)
        channel.writeAndFlush(request).whenFailure { error in
            promise.fail(error)  // Ignored when the handler already completed it.
        }
        do {
            return try await promise.futureResult.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .connectionClosed(command: request.label)
        }
    }

    /// Closes the connection; commands still waiting fail with `RedisError.connectionClosed`.
    public func close() async {
        try? await channel.close().get()
    }
}
