import Foundation
import Hummingbird

/// Requires `Authorization: Bearer <token>` on the routes it guards whenever any token is active,
/// or always when the server listens beyond loopback. The secret is hashed and looked up; it is
/// never logged nor repeated in an error.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let tokens: any TokenRepository
    /// Listening beyond loopback: a token is required even if all were revoked.
    let alwaysRequired: Bool
    /// Browser pages (`/ui`): the token may also come from the `framewise_token` cookie, or once
    /// from `?token=` (the page then sets the cookie and drops it from the address).
    var browser = false

    /// The cookie `/ui` keeps the token in.
    static let cookie = "framewise_token"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let required = try await alwaysRequired ? true : tokens.hasActiveTokens()
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
