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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let required = try await alwaysRequired ? true : tokens.hasActiveTokens()
        guard required else { return try await next(request, context) }
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer realm=\"framewise\""]
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, field: "Authorization", "this server requires a bearer token (Authorization: Bearer ...)", headers: challenge)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty,
              let owner = try await tokens.tokenID(forSecret: parts[1].trimmingCharacters(in: .whitespaces))
        else {
            throw APIError(.unauthorized, field: "Authorization", "invalid or revoked bearer token", headers: challenge)
        }
        var context = context
        context.owner = owner
        return try await next(request, context)
    }
}
