import Foundation
import PostgresNIO

extension PostgresJobRepository {
    public func createToken(name: String) async throws(JobRepositoryError) -> (secret: String, token: TokenInfo) {
        let secret = BearerSecret.make()
        let info = TokenInfo(id: "tok_" + BearerSecret.randomHex(bytes: 6), name: name, createdAt: Date(), revokedAt: nil)
        let logger = logger
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO tokens (id, name, hash, created_at)
                VALUES (\(info.id), \(info.name), \(BearerSecret.hash(secret)), \(info.createdAt.timeIntervalSince1970))
                """, logger: logger)
        }
        return (secret, info)
    }

    public func tokens() async throws(JobRepositoryError) -> [TokenInfo] {
        let logger = logger
        return try await read { connection in
            try await connection.query("SELECT id, name, created_at, revoked_at FROM tokens ORDER BY created_at, id", logger: logger)
                .collect().map { row in
                    let (id, name, created, revoked) = try row.decode((String, String, Double, Double?).self)
                    return TokenInfo(id: id, name: name, createdAt: Date(timeIntervalSince1970: created),
                                     revokedAt: revoked.map { Date(timeIntervalSince1970: $0) })
                }
        }
    }

    public func revokeToken(_ idOrName: String) async throws(JobRepositoryError) -> Bool {
        let logger = logger
        return try await transaction { connection in
            try await connection.query("""
                UPDATE tokens SET revoked_at = \(Self.now) WHERE (id = \(idOrName) OR name = \(idOrName)) AND revoked_at IS NULL RETURNING id
                """, logger: logger).collect().count > 0
        }
    }

    public func hasActiveTokens() async throws(JobRepositoryError) -> Bool {
        let logger = logger
        return try await read { connection in
            try await connection.query("SELECT EXISTS (SELECT 1 FROM tokens WHERE revoked_at IS NULL)", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
        }
    }

    public func tokenID(forSecret secret: String) async throws(JobRepositoryError) -> String? {
        let hash = BearerSecret.hash(secret)
        let logger = logger
        return try await read { connection in
            try await connection.query("SELECT id FROM tokens WHERE hash = \(hash) AND revoked_at IS NULL", logger: logger)
                .collect().first?.decode(String.self)
        }
    }

    /// The stored hash of every token (for tests that check no secret is stored).
    public func storedTokenHashes() async throws(JobRepositoryError) -> [String] {
        let logger = logger
        return try await read { connection in
            try await connection.query("SELECT hash FROM tokens ORDER BY created_at", logger: logger).collect().map { try $0.decode(String.self) }
        }
    }
}
