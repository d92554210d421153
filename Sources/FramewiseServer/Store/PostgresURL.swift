import Foundation

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]` URL, parsed.
/// Its `redacted` form (for logs and errors) never shows the password.
public struct PostgresURL: Sendable, Equatable {
    /// Whether the connection uses TLS.
    public enum SSLMode: String, Sendable { case disable, require }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, sslMode: SSLMode = .disable) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    /// Parses `text`; the error names what is missing or wrong (never the password).
    public init(parsing text: String) throws(ServerError) {
        func invalid(_ message: String) -> ServerError { .invalidArgument(name: "--store", message: message) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or sqlite:PATH")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the URL names no user (postgres://USER@HOST/DATABASE)") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the URL names no database (postgres://USER@HOST/DATABASE)") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        var mode = SSLMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw invalid("unknown parameter \(item.name) (only sslmode)") }
            switch item.value {
            case "disable": mode = .disable
            case "require": mode = .require
            default: throw invalid("sslmode must be disable or require")
            }
        }
        self.init(host: host, port: port, user: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database, sslMode: mode)
    }

    /// The URL with the password replaced by `***`.
    public var redacted: String {
        let auth = password == nil ? user : "\(user):***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(auth)@\(hostPart):\(port)/\(database)" + (sslMode == .require ? "?sslmode=require" : "")
    }
}
