/// What went wrong talking to Redis, with the command and the server's or system's message.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered `command` with an error reply (`ERR ...`, `WRONGTYPE ...`, `NOGROUP ...`).
    case server(command: String, message: String)
    /// The server refused the credentials (`AUTH` failed), with its message.
    case authentication(message: String)
    /// No connection could be opened to `host:port`.
    case connect(host: String, port: Int, message: String)
    /// The connection closed (or broke) before `command` was answered.
    case connectionClosed(command: String)
    /// The network or TLS layer failed (reset, handshake refused, ...), with its message.
    case io(String)
    /// `command` was not answered within `after`; the connection was closed (replies are matched in
    /// order, so a late reply would otherwise be taken for the next command's).
    case timeout(command: String, after: Duration)
    /// The server sent bytes that are not RESP, or a reply nobody asked for.
    case protocolViolation(String)
    /// A reply of an unexpected shape for `command`.
    case unexpectedReply(command: String, reply: String)
    /// A `redis://` URL or a configuration value that cannot be used.
    case invalidConfiguration(String)
    /// The pool (or connection) was closed by its owner.
    case closed

    /// The command name and message server errors start with, e.g. `NOGROUP`, `BUSYGROUP`, `NOSCRIPT`.
    public var serverErrorCode: String? {
        guard case let .server(_, message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Whether the error means the connection is gone (a retry on a new connection may succeed).
    public var isConnectionLoss: Bool {
        switch self {
        case .connect, .connectionClosed, .io, .timeout, .protocolViolation: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .server(command, message): "redis \(command): \(message)"
        case let .authentication(message): "redis AUTH failed: \(message)"
        case let .connect(host, port, message): "redis connect to \(host):\(port) failed: \(message)"
        case let .connectionClosed(command): "redis connection closed before \(command) was answered"
        case let .io(message): "redis connection failed: \(message)"
        case let .timeout(command, after): "redis \(command) timed out after \(after)"
        case let .protocolViolation(message): "redis protocol violation: \(message)"
        case let .unexpectedReply(command, reply): "redis \(command): unexpected reply \(reply)"
        case let .invalidConfiguration(message): "redis configuration: \(message)"
        case .closed: "redis client closed"
        }
    }
}
