import CoreMetrics

/// The downloader's metrics through swift-metrics: bytes fetched, downloads, cache hits and
/// failures. No labels: URLs never become label values.
public struct DownloadMetrics: Sendable {
    /// The metric names, in one place for docs and tests.
    public enum Name {
        public static let bytes = "framewise_download_bytes_total"
        public static let downloads = "framewise_downloads_total"
        public static let cacheHits = "framewise_download_cache_hits_total"
        public static let failures = "framewise_download_failures_total"
    }

    let bytes, downloads, cacheHits, failures: Counter

    /// Metrics made by `factory` (default: the process's bootstrapped one).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        bytes = Counter(label: Name.bytes, factory: factory)
        downloads = Counter(label: Name.downloads, factory: factory)
        cacheHits = Counter(label: Name.cacheHits, factory: factory)
        failures = Counter(label: Name.failures, factory: factory)
    }
}
