import Foundation
import FramewiseCore
import Hummingbird

/// `/ui`: a live page of the jobs, their progress and the charts of the last minutes, and
/// `/ui/events`, the server-sent events that refresh it every `interval`. Tokens apply as on the
/// API (header, or the page's cookie; `/ui?token=...` sets the cookie and drops the token from
/// the address).
struct UIRoutes: Sendable {
    let repository: any JobRepository
    let activity: RecentActivity
    let housekeeping: ServerHousekeeping
    /// Videos in the engines now, all pipelines together.
    let inFlight: @Sendable () -> Int
    /// The SLO line of the latency chart (nil: none).
    let slo: Double?
    var interval: Duration = .seconds(2)

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.get("ui") { request, context in try await page(request, context: context) }
        group.get("ui/events") { _, context in events(context: context) }
    }

    private func live(owner: String?) async throws -> String {
        let jobs = try await repository.jobs(owner: owner, offset: 0, limit: 20).jobs
        return LivePage.live(jobs: jobs, activity: activity, slo: slo)
    }

    /// Records the queue and in-flight counts now (the in-flight chart's points).
    private func sample() async {
        let queued = (try? await repository.load(window: 60).queued) ?? 0
        activity.sample(inFlight: inFlight(), queued: queued)
    }

    private func page(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let token = request.uri.queryParameters["token"], !token.isEmpty, request.headers[.authorization] == nil {
            // Checked by the middleware: keep it in a cookie and drop it from the address bar and history.
            var response = Response(status: .seeOther, headers: [.location: "/ui"])
            response.setCookie(Cookie(name: BearerAuthMiddleware.cookie, value: String(token), path: "/ui", httpOnly: true, sameSite: .strict))
            return response
        }
        await sample()
        let html = LivePage.page(live: try await live(owner: context.owner))
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    private func events(context: ServerRequestContext) -> Response {
        let owner = context.owner
        let routes = self
        let body = ResponseBody { writer in
            while !Task.isCancelled && !routes.housekeeping.isDraining {
                await routes.sample()
                let html = try await routes.live(owner: owner)
                let data = JSONValue.object(["html": .string(html)]).jsonText
                try await writer.write(ByteBuffer(string: "event: live\ndata: \(data)\n\n"))
                do { try await Task.sleep(for: routes.interval) } catch { break }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}
