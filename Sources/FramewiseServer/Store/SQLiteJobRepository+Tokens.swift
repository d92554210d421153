import Foundation
import GRDB

extension SQLiteJobRepository {
    public func createToken(name: String) async throws(JobRepositoryError) -> (secret: String, token: TokenInfo) {
        let secret = BearerSecret.make()
        let info = TokenInfo(id: "tok_" + BearerSecret.randomHex(bytes: 6), name: name, createdAt: Date(), revokedAt: nil)
        try await write { db in
            try db.execute(sql: "INSERT INTO tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [info.id, info.name, BearerSecret.hash(secret), info.createdAt.timeIntervalSince1970])
        }
        return (secret, info)
    }

    public func tokens() async throws(JobRepositoryError) -> [TokenInfo] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, created_at, revoked_at FROM tokens ORDER BY created_at, id").map {
                TokenInfo(id: $0["id"], name: $0["name"], createdAt: Date(timeIntervalSince1970: $0["created_at"]),
                          revokedAt: ($0["revoked_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    public func revokeToken(_ idOrName: String) async throws(JobRepositoryError) -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL",
                           arguments: [Self.now, idOrName, idOrName])
            return db.changesCount > 0
        }
    }

    public func hasActiveTokens() async throws(JobRepositoryError) -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tokens WHERE revoked_at IS NULL)") ?? false }
    }

    public func tokenID(forSecret secret: String) async throws(JobRepositoryError) -> String? {
        let hash = BearerSecret.hash(secret)
        return try await read { db in
            try String.fetchOne(db, sql: "SELECT id FROM tokens WHERE hash = ? AND revoked_at IS NULL", arguments: [hash])
        }
    }
}
