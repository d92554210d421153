import FramewiseApp
import FramewiseCore
import Hummingbird

/// `/healthz` (the process answers), `/readyz` (models loaded, store and broker reachable, not draining) and
/// `/openapi.yaml` and `/metrics` (Prometheus' text format). None needs a token: they reveal no
/// job (metric labels are pipelines and stages only).
struct HealthRoutes: Sendable {
    let repository: any JobRepository
    let pipelines: [String]
    let housekeeping: ServerHousekeeping
    let metrics: PrometheusMetrics
    /// The Redis deployment the stages run on (nil: in this process).
    let broker: ClusterSettings?

    func register(on router: Router<ServerRequestContext>) {
        router.get("healthz") { _, _ in Response.json(.object(["status": .string("ok")])) }
        router.get("readyz") { _, _ in
            let store = await repository.ping()
            let draining = housekeeping.isDraining
            var brokerReachable = true
            if let broker { brokerReachable = (try? await broker.checkReachable(timeout: .seconds(1))) != nil }
            let ready = store && !draining && brokerReachable
            var fields = [
                JSONField("status", .string(ready ? "ready" : "unavailable")),
                JSONField("pipelines", .array(pipelines.map(JSONValue.string))),
                JSONField("store", .string(store ? "ok" : "unreachable")),
                JSONField("draining", .bool(draining)),
            ]
            if broker != nil { fields.append(JSONField("broker", .string(brokerReachable ? "ok" : "unreachable"))) }
            return Response.json(.object(fields), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }
}
