import Foundation
import Hummingbird
import Synchronization

/// Requires `Authorization: Bearer <token>` on the routes it guards whenever any token is active,
/// or always when the server listens beyond loopback. The secret is hashed and looked up on every
/// request (a revoked token is refused at once); it is never logged nor repeated in an error.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let tokens: any TokenRepository
    /// Listening beyond loopback: a token is required even if all were revoked.
    let alwaysRequired: Bool
    /// On loopback: whether any token is active, asked of the store at most once a second.
    let gate: TokenGate
    /// Browser pages (`/ui`): the token may also come from the `framewise_token` cookie, or once
    /// from `?token=` (the page then sets the cookie and drops it from the address).
    var browser = false

    /// The cookie `/ui` keeps the token in.
    static let cookie = "framewise_token"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let required = try await alwaysRequired ? true : gate.tokensRequired(tokens)
        guard required else { return try await next(request, context) }
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"framewise\""]
        let secret: Substring
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(.unauthorized, field: "Authorization", "invalid or revoked bearer token", headers: challenge)
            }
            secret = parts[1]
        } else if browser, let value = request.cookies[Self.cookie]?.value, !value.isEmpty {
            secret = Substring(value)
        } else if browser, let value = request.uri.queryParameters["token"], !value.isEmpty {
            secret = value
        } else {
            throw APIError(.unauthorized, field: "Authorization", "this server requires a bearer token (Authorization: Bearer ...)", headers: challenge)
        }
        guard !secret.isEmpty, let owner = try await tokens.tokenID(forSecret: secret.trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, field: "Authorization", "invalid or revoked bearer token", headers: challenge)
        }
        var context = context
        context.owner = owner
        return try await next(request, context)
    }
}

/// Whether a loopback server needs tokens (any is active), remembered for `interval` so that a
/// request costs one store read less. Tokens are made by `framewise token create` in another
/// process, so the answer is asked again once it is older than that: the first token made on a
/// running loopback server is required within `interval`; beyond loopback tokens are always
/// required and this is not asked.
final class TokenGate: Sendable {
    private let interval: Duration
    private let cached = Mutex<(required: Bool, at: ContinuousClock.Instant)?>(nil)

    init(interval: Duration = .seconds(1)) { self.interval = interval }

    func tokensRequired(_ tokens: any TokenRepository) async throws -> Bool {
        let now = ContinuousClock.now
        if let known = cached.withLock({ $0 }), now - known.at < interval { return known.required }
        let required = try await tokens.hasActiveTokens()
        cached.withLock { $0 = (required, now) }
        return required
    }
}
