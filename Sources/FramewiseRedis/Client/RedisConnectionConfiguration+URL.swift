import Foundation

extension RedisConnectionConfiguration {
    /// Parses `redis://[[user]:password@]host[:port][/db]`; `rediss://` turns on verifying TLS.
    ///
    /// User and password may be percent-encoded. `redis://:secret@host` sends `AUTH secret`.
    /// Timeouts keep their defaults. Throws `RedisError.invalidConfiguration` on anything else.
    public init(url: String) throws(RedisError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw .invalidConfiguration("not a URL: \(url)")
        }
        guard scheme == "redis" || scheme == "rediss" else {
            throw .invalidConfiguration("scheme must be redis:// or rediss://, got \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidConfiguration("no host in \(url)")
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host)
        if let port = components.port {
            guard (1...65535).contains(port) else { throw .invalidConfiguration("port \(port) out of range") }
            self.port = port
        }
        if let user = components.user, !user.isEmpty { username = user }
        if let password = components.password { self.password = password }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !path.isEmpty {
            guard let db = Int(path), db >= 0 else { throw .invalidConfiguration("database must be a number, got /\(path)") }
            database = db
        }
        if scheme == "rediss" { tls = RedisTLSConfiguration() }
    }
}
