/// Where and how to connect to one Redis server.
public struct RedisConnectionConfiguration: Sendable, Equatable {
    /// Host name or IP address. Default `127.0.0.1`.
    public var host: String
    /// TCP port. Default 6379.
    public var port: Int
    /// ACL user name (`AUTH user password`); `nil` for the default user.
    public var username: String?
    /// Password (`requirepass` or the ACL user's); `nil` to skip `AUTH`.
    public var password: String?
    /// Logical database (`SELECT n`). Default 0.
    public var database: Int
    /// TLS settings; `nil` for plain TCP.
    public var tls: RedisTLSConfiguration?
    /// How long opening the TCP (and TLS) connection may take. Default 5 s.
    public var connectTimeout: Duration
    /// How long a command may wait for its reply (blocking commands add their block time). Default 10 s.
    public var commandTimeout: Duration

    /// A configuration with the documented defaults.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        tls: RedisTLSConfiguration? = nil,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}
