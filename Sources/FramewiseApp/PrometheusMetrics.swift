import CoreMetrics
import FramewiseRuntime
import Prometheus

/// The engine's metrics in Prometheus' text format: one registry, and the swift-metrics factory
/// that records into it (batch sizes in power-of-two buckets, latencies in seconds).
public final class PrometheusMetrics: Sendable {
    /// The request metrics `serve` records (named here so that their buckets can be set here).
    public enum HTTPName {
        public static let requestDuration = "framewise_http_request_duration_seconds"
        public static let requests = "framewise_http_requests_total"
    }

    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[EngineMetrics.Name.batchSize] = [1, 2, 4, 8, 16, 32, 64, 128]
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        // Request times are milliseconds: fine buckets there, so a p99 of a few ms can be read off.
        factory.durationHistogramBuckets[HTTPName.requestDuration] = [
            .microseconds(250), .microseconds(500), .microseconds(750), .milliseconds(1), .microseconds(1500), .milliseconds(2),
            .milliseconds(3), .milliseconds(4), .milliseconds(5), .microseconds(7500), .milliseconds(10), .milliseconds(15),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// Every metric now, in Prometheus' text exposition format (for `GET /metrics`).
    public func text() -> String { registry.emitToString() }
}
