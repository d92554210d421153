/// Knobs of the shared downloader, with documented defaults.
public struct DownloaderConfiguration: Sendable {
    /// The cache folder (in the frames/storage folder every worker sees).
    public var cacheDirectory: String
    /// Largest video fetched, bytes. Default 2 GiB.
    public var maxBytes: Int64
    /// Longest one attempt may take, from request to the last byte. Default 120 s.
    public var timeout: Duration
    /// Attempts after the first for transient failures (5xx, connection errors). Default 3.
    public var retries: Int
    /// Wait before the first retry; doubles each time. Default 0.5 s.
    public var backoff: Duration
    /// Redirects followed (each target checked like the first URL). Default 5.
    public var maxRedirects: Int
    /// Most bytes the cache keeps; least recently used entries go first. Default 20 GiB.
    public var cacheCapacityBytes: Int64
    /// Hosts (names or IP literals) and networks (`10.0.0.0/8`, `::1/128`) allowed although they
    /// resolve to loopback, link-local or private addresses. Empty: none (SSRF protection).
    public var allowList: [String]

    public init(cacheDirectory: String, maxBytes: Int64 = 2 << 30, timeout: Duration = .seconds(120), retries: Int = 3,
                backoff: Duration = .milliseconds(500), maxRedirects: Int = 5, cacheCapacityBytes: Int64 = 20 << 30, allowList: [String] = []) {
        self.cacheDirectory = cacheDirectory
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.maxRedirects = max(0, maxRedirects)
        self.cacheCapacityBytes = cacheCapacityBytes
        self.allowList = allowList
    }
}
