import FramewiseApp
import Hummingbird
import Logging
import NIOCore

/// `GET /metrics` (Prometheus' text format) and `GET /healthz` on their own listener, for
/// processes that serve no API (`framewise worker --metrics-bind`). Metric labels are pipelines,
/// stages and reasons only, so no token is needed, but it refuses to listen beyond loopback unless
/// asked (`allowPublic`): a scrape target is usually on a private network.
public struct MetricsEndpoint: Sendable {
    public let bind: ListenAddress
    public let metrics: PrometheusMetrics

    public init(bind: ListenAddress, metrics: PrometheusMetrics, allowPublic: Bool = false) throws(ServerError) {
        if !bind.isLoopback && !allowPublic {
            throw .invalidArgument(name: "--metrics-bind", message: "\(bind) listens beyond loopback: pass --metrics-public to expose metrics there")
        }
        self.bind = bind
        self.metrics = metrics
    }

    /// Serves until the calling task is cancelled; `onListening` gets the address (the actual port with port 0).
    public func run(logger: Logger, onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let router = Router()
        let metrics = metrics
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("healthz") { _, _ in "ok\n" }
        let bind = bind
        let app = Application(
            router: router, configuration: .init(address: .hostname(bind.host, port: bind.port), serverName: "framewise-worker"),
            onServerRunning: { channel in
                onListening(ListenAddress(host: bind.host, port: channel.localAddress?.port ?? bind.port).description)
            },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}
