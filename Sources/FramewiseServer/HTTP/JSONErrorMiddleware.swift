import Hummingbird
import Logging
import NIOCore

/// Turns every error into a JSON error response, so clients always get
/// `{"error": {"field": ..., "message": ...}}` and the server goes on: the routes' own errors,
/// Hummingbird's (no route, body too large), the job store's, and anything unexpected (500,
/// logged, its text not sent).
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    /// Seconds until `excess` more videos could fit in the queue.
    let retryAfter: @Sendable (_ excess: Int) async -> Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as JobRepositoryError {
            return try await apiError(error).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try APIError(.contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes").response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let allowed = RouteTable.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return try APIError(.notFound, "no route \(request.method) \(request.uri.path)").response(from: request, context: context)
            }
            return try APIError(.methodNotAllowed, "\(request.method) is not allowed on \(request.uri.path); allowed: \(allowed.joined(separator: ", "))",
                                headers: [.allow: allowed.joined(separator: ", ")]).response(from: request, context: context)
        } catch let error as HTTPError {
            let message = error.body ?? error.status.reasonPhrase
            return try APIError(error.status, message, headers: error.headers).response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return try APIError(.internalServerError, "internal error").response(from: request, context: context)
        }
    }

    private func apiError(_ error: JobRepositoryError) async -> APIError {
        switch error {
        case .notFound: APIError(.notFound, field: "id", error.description)
        case .forbidden: APIError(.forbidden, field: "id", error.description)
        case let .queueFull(queued, adding, limit):
            APIError(.tooManyRequests, field: "videos", error.description + "; retry later",
                     headers: [.retryAfter: "\(await retryAfter(queued + adding - limit))"])
        case .storage: APIError(.serviceUnavailable, "the job store is unavailable; retry later", headers: [.retryAfter: "5"])
        }
    }
}
