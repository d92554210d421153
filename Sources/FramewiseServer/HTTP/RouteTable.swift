/// The routes the server answers, as the OpenAPI document lists them; used to tell "no such
/// path" (404) from "not this method" (405 with `Allow`).
enum RouteTable {
    static let routes: [(method: String, path: String)] = [
        ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/openapi.yaml"), ("GET", "/metrics"),
        ("POST", "/v1/jobs"), ("GET", "/v1/jobs"), ("GET", "/v1/jobs/{id}"), ("DELETE", "/v1/jobs/{id}"),
        ("GET", "/v1/jobs/{id}/results"), ("GET", "/v1/jobs/{id}/events"),
    ]

    /// Methods routed for a concrete path (`/v1/jobs/job_1` -> GET, DELETE); empty when none.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == $1 || ($0.hasPrefix("{") && !$1.isEmpty) }
        }.map(\.method)
    }
}
