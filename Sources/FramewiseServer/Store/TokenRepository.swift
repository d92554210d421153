import FramewiseCore
import Foundation
import FramewiseRuntime

/// Bearer tokens, kept as SHA-256 hashes: the secret is shown once, at creation, and never stored.
public protocol TokenRepository: Sendable {
    /// Makes a token named `name`; returns the secret (shown once) and its record.
    func createToken(name: String) async throws(JobRepositoryError) -> (secret: String, token: TokenInfo)
    /// Every token, revoked ones included, oldest first.
    func tokens() async throws(JobRepositoryError) -> [TokenInfo]
    /// Revokes the token with id (or name) `idOrName`; false when there is none active.
    func revokeToken(_ idOrName: String) async throws(JobRepositoryError) -> Bool
    /// Whether any token is active (then every /v1 route needs one).
    func hasActiveTokens() async throws(JobRepositoryError) -> Bool
    /// The id of the active token whose secret is `secret`, if any.
    func tokenID(forSecret secret: String) async throws(JobRepositoryError) -> String?
}

/// A token's record: never its secret.
public struct TokenInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?
}

/// Secrets and their hashes.
public enum BearerSecret {
    /// A new secret: `fw_` and 64 hex digits (256 bits from the system's secure generator).
    public static func make() -> String { "fw_" + randomHex(bytes: 32) }

    /// The stored form of a secret: SHA-256, hex.
    public static func hash(_ secret: String) -> String { FramewiseCore.SHA256.hex(of: Array(secret.utf8)) }

    /// `bytes` random bytes as hex.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
