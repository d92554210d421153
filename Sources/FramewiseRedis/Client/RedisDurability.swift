/// What a Redis server's settings mean for the work it holds: whether a restart keeps
/// acknowledged work (`appendonly`, `save`) and whether memory pressure may evict it
/// (`maxmemory-policy`). Read with `CONFIG GET`; where CONFIG is disabled (managed services
/// often rename it) the settings are nil and the check says they could not be read.
public struct RedisDurability: Sendable, Equatable {
    /// `yes` or `no`; nil when it could not be read.
    public var appendOnly: String?
    /// The RDB snapshot schedule (`""`: none); nil when it could not be read.
    public var save: String?
    /// nil when it could not be read.
    public var maxMemoryPolicy: String?
    /// The server's answer when a setting could not be read (e.g. `ERR unknown command 'CONFIG'`).
    public var unavailable: String?

    public init(appendOnly: String?, save: String?, maxMemoryPolicy: String?, unavailable: String? = nil) {
        self.appendOnly = appendOnly
        self.save = save
        self.maxMemoryPolicy = maxMemoryPolicy
        self.unavailable = unavailable
    }

    /// The settings as `CONFIG GET` shows them.
    public var settings: String {
        ["appendonly \(appendOnly ?? "?")", "save \"\(save ?? "?")\"", "maxmemory-policy \(maxMemoryPolicy ?? "?")"].joined(separator: ", ")
    }

    /// One line per way these settings can lose acknowledged work; empty when none can.
    public var warnings: [String] {
        var out: [String] = []
        if let unavailable {
            out.append("could not check appendonly, save and maxmemory-policy (CONFIG GET refused: \(unavailable)): "
                       + "a restart or eviction may lose acknowledged work unless AOF is on and maxmemory-policy is noeviction")
        }
        if appendOnly == "no" {
            if let save, !save.isEmpty {
                out.append("appendonly no (RDB snapshots only, save \"\(save)\"): a restart loses what was acknowledged since the last snapshot; "
                           + "turn AOF on (appendonly yes)")
            } else {
                out.append("appendonly no and no snapshots (save \"\"): a restart loses every job in flight; turn AOF on (appendonly yes)")
            }
        }
        if let policy = maxMemoryPolicy, policy != "noeviction" {
            out.append("maxmemory-policy \(policy): under memory pressure Redis may evict keys of jobs in flight; set noeviction")
        }
        return out
    }

    /// Reads the three settings on `connection` (one round trip).
    public static func read(on connection: RedisConnection) async throws(RedisError) -> RedisDurability {
        let replies = try await connection.pipeline(["appendonly", "save", "maxmemory-policy"].map { RESPCommand("CONFIG", "GET", $0) })
        var refused: String?
        let values: [String?] = replies.map { reply in
            if let message = reply.errorMessage {
                refused = refused ?? message
                return nil
            }
            // [name, value]; an empty array when the server does not know the setting.
            guard let pair = reply.array, pair.count == 2 else { return nil }
            return pair[1].string
        }
        if refused == nil, values.contains(where: { $0 == nil }) { refused = "a setting is unknown to this server" }
        return RedisDurability(appendOnly: values[0], save: values[1], maxMemoryPolicy: values[2], unavailable: refused)
    }
}

extension RedisDurability {
    /// Reads the settings on a connection of its own, opened once (no retries: an unreachable
    /// server fails at once), then closed.
    public static func read(from configuration: RedisConnectionConfiguration) async throws(RedisError) -> RedisDurability {
        let connection = try await RedisConnection.connect(to: configuration)
        do {
            let durability = try await read(on: connection)
            await connection.close()
            return durability
        } catch {
            await connection.close()
            throw error
        }
    }
}
