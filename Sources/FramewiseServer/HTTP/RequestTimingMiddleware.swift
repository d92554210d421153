import CoreMetrics
import Dispatch
import FramewiseApp
import Hummingbird
import Synchronization

/// Times every request from the router's first look at it to the last byte of its response
/// written (`framewise_http_request_duration_seconds`, by route pattern, method and status) and
/// counts them (`framewise_http_requests_total`). Routes are patterns (`/v1/jobs/{id}`), never
/// the ids or tokens in the path, so the series stay few. Errors are timed with the status they
/// are answered with.
struct RequestTimingMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    private let series: SeriesCache

    init(factory: any MetricsFactory) {
        series = SeriesCache(factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = request.method.rawValue
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = context.endpointPath ?? "unmatched"
            let series = series, body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer { series.record(route: route, method: method, status: status, nanoseconds: DispatchTime.now().uptimeNanoseconds - start) }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            series.record(route: context.endpointPath ?? "unmatched", method: method, status: status,
                          nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
            throw error
        }
    }

    /// One timer and counter per (route, method, status), made once.
    final class SeriesCache: Sendable {
        struct Key: Hashable { let route: String, method: String, status: Int }
        private let factory: any MetricsFactory
        private let made = Mutex<[Key: (Timer, Counter)]>([:])

        init(factory: any MetricsFactory) { self.factory = factory }

        func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
            let key = Key(route: route, method: method, status: status)
            let (timer, counter) = made.withLock { made in
                if let existing = made[key] { return existing }
                let labels = [("route", route), ("method", method), ("status", String(status))]
                let pair = (Timer(label: PrometheusMetrics.HTTPName.requestDuration, dimensions: labels, factory: factory),
                            Counter(label: PrometheusMetrics.HTTPName.requests, dimensions: labels, factory: factory))
                made[key] = pair
                return pair
            }
            timer.recordNanoseconds(Int64(clamping: nanoseconds))
            counter.increment()
        }
    }
}
