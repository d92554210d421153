/// Settings of a `RedisStreamsBroker`.
///
/// Keys: topic `t` lives in the stream `<keyPrefix>:t`, its dead letters in `<keyPrefix>:t:dead`.
public struct RedisStreamsBrokerConfiguration: Sendable, Equatable {
    /// Server, credentials, database, TLS and timeouts.
    public var connection: RedisConnectionConfiguration
    /// Prefix of every key the broker touches. Default `framewise`.
    public var keyPrefix: String
    /// The most entries a topic's stream holds. `publish` suspends while the stream is full and
    /// nothing is ever dropped to stay under it (see `RedisStreamsBroker` for how). Default 10,000.
    public var maxLength: Int
    /// Deliveries after which `reclaim` dead-letters a message instead of returning it. Default 5.
    public var maxDeliveries: Int
    /// Longest single `XREADGROUP ... BLOCK`; longer waits are made of several. Default 1 s.
    public var blockTimeout: Duration
    /// Connections in the pool. Each consumer waiting in `consume` holds one. Default 16.
    public var poolSize: Int
    /// Backoff for opening connections (server restarts). Default: 50 ms doubling to 2 s, 10 tries.
    public var reconnect: RedisBackoff
    /// Backoff for re-checking a full stream in `publish`. Default: 1 ms doubling to 50 ms, no limit.
    public var publishBackoff: RedisBackoff
    /// Tries of one broker operation when the connection is lost midway. Default 3. Retried
    /// publishes may append a message twice (at-least-once, like every redelivery).
    public var operationAttempts: Int
    /// Cap on the dead-letter stream (`XADD ... MAXLEN ~`); `nil` keeps every dead letter. Default nil.
    public var deadLetterMaxLength: Int?

    /// A configuration for `connection` with the documented defaults.
    public init(
        connection: RedisConnectionConfiguration = RedisConnectionConfiguration(),
        keyPrefix: String = "framewise",
        maxLength: Int = 10_000,
        maxDeliveries: Int = 5,
        blockTimeout: Duration = .seconds(1),
        poolSize: Int = 16,
        reconnect: RedisBackoff = RedisBackoff(),
        publishBackoff: RedisBackoff = RedisBackoff(initial: .milliseconds(1), maximum: .milliseconds(50), maxAttempts: nil),
        operationAttempts: Int = 3,
        deadLetterMaxLength: Int? = nil
    ) {
        self.connection = connection
        self.keyPrefix = keyPrefix
        self.maxLength = max(1, maxLength)
        self.maxDeliveries = max(1, maxDeliveries)
        self.blockTimeout = blockTimeout
        self.poolSize = max(1, poolSize)
        self.reconnect = reconnect
        self.publishBackoff = publishBackoff
        self.operationAttempts = max(1, operationAttempts)
        self.deadLetterMaxLength = deadLetterMaxLength
    }

    /// A configuration for a `redis://` or `rediss://` URL (see `RedisConnectionConfiguration(url:)`).
    public init(url: String, keyPrefix: String = "framewise", maxLength: Int = 10_000, maxDeliveries: Int = 5) throws(RedisError) {
        self.init(connection: try RedisConnectionConfiguration(url: url), keyPrefix: keyPrefix, maxLength: maxLength, maxDeliveries: maxDeliveries)
    }

    /// The stream key of `topic`.
    public func streamKey(_ topic: String) -> String { "\(keyPrefix):\(topic)" }

    /// The dead-letter stream key of `topic`.
    public func deadLetterKey(_ topic: String) -> String { "\(keyPrefix):\(topic):dead" }
}
