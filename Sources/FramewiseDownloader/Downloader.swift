import AsyncHTTPClient
import Foundation
import FramewiseCore
import NIOCore

/// Fetches each URL once into a content-addressed cache in the shared storage folder, so any
/// worker decodes it from local disk. Concurrent requests for one URL share one download; a size
/// limit, a timeout and retries with backoff apply; redirects are followed by hand so every hop's
/// address is checked; URLs resolving to loopback, link-local or private ranges are refused unless
/// allow-listed. Partial downloads never become cache entries.
public actor Downloader {
    /// Counters, for metrics and tests.
    public struct Stats: Sendable, Equatable {
        public var downloads = 0
        public var cacheHits = 0
        public var failures = 0
        public var bytes: Int64 = 0
    }

    public let configuration: DownloaderConfiguration
    private let cache: DownloadCache
    private let policy: AddressPolicy
    private let client: HTTPClient
    private var inFlight: [String: Task<String, any Error>] = [:]
    public private(set) var stats = Stats()
    private let metrics: DownloadMetrics?

    /// `metrics`: where downloads, cache hits, failures and bytes are counted (nil: not measured).
    public init(configuration: DownloaderConfiguration, metrics: DownloadMetrics? = nil) {
        self.configuration = configuration
        self.metrics = metrics
        cache = DownloadCache(root: configuration.cacheDirectory, capacity: configuration.cacheCapacityBytes)
        policy = AddressPolicy(allowList: configuration.allowList)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    }

    /// Whether `input` is a URL this downloader fetches (http or https).
    public static func isURL(_ input: String) -> Bool {
        let lower = input.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Checks `url` without waiting on the network, for a quick answer at submission: an http(s)
    /// URL with a host, not an IP literal in a refused (loopback, link-local, private) range nor
    /// `localhost`, unless allow-listed. Names are resolved and checked (every hop) when fetched.
    public nonisolated static func precheck(_ url: String, allowList: [String]) throws(DownloadError) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidURL(url, reason: "only http and https URLs are fetched")
        }
        guard let host = parsed.host, !host.isEmpty else { throw .invalidURL(url, reason: "no host") }
        let policy = AddressPolicy(allowList: allowList)
        let lower = host.lowercased()
        if let literal = AddressPolicy.bytes(of: host) {
            if AddressPolicy.isInternal(literal), !policy.allows(host: host, address: literal) {
                throw .refusedAddress(url: url, host: host, address: AddressPolicy.format(literal))
            }
        } else if lower == "localhost" || lower.hasSuffix(".localhost") {
            let loopback: [UInt8] = [127, 0, 0, 1]
            if !policy.allows(host: host, address: loopback) { throw .refusedAddress(url: url, host: host, address: "127.0.0.1") }
        }
    }

    /// The local path of `url`'s video, downloading it unless cached.
    public func fetch(_ url: String) async throws(DownloadError) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidURL(url, reason: "only http and https URLs are fetched")
        }
        try cache.prepare()
        if let hit = cache.lookup(url) {
            stats.cacheHits += 1
            metrics?.cacheHits.increment()
            return hit
        }
        let task: Task<String, any Error>
        if let running = inFlight[url] {
            task = running
        } else {
            task = Task { try await self.download(url) }
            inFlight[url] = task
        }
        do {
            let path = try await task.value
            inFlight[url] = nil
            return path
        } catch {
            inFlight[url] = nil
            throw (error as? DownloadError) ?? .transport(url: url, message: "\(error)")
        }
    }

    /// Downloads with retries; counted once per URL, however many callers wait for it.
    private func download(_ url: String) async throws -> String {
        var attempt = 0
        var wait = configuration.backoff
        while true {
            do {
                let path = try await attemptDownload(url)
                stats.downloads += 1
                metrics?.downloads.increment()
                return path
            } catch let error as DownloadError where error.isTransient && attempt < configuration.retries {
                attempt += 1
                try? await Task.sleep(for: wait)
                wait = wait * 2
            } catch {
                stats.failures += 1
                metrics?.failures.increment()
                throw error
            }
        }
    }

    /// One attempt within `configuration.timeout`, from the request to the body's last byte (a
    /// server that answers and then stalls mid-body times out too): the attempt races a timer, and
    /// the loser is cancelled (a cancelled transfer removes its temporary file).
    private func attemptDownload(_ original: String) async throws -> String {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.timeout)
        let timeout = configuration.timeout
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await self.transfer(original, deadline: deadline) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: clock)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let path = first else { throw DownloadError.timedOut(url: original, after: timeout) }
            return path
        }
    }

    /// Follows redirects (checking each hop), streams the body to a temporary file, then commits
    /// it to the cache, unless `deadline` passed first.
    private func transfer(_ original: String, deadline: ContinuousClock.Instant) async throws -> String {
        var current = original
        for _ in 0...configuration.maxRedirects {
            guard let url = URL(string: current) else { throw DownloadError.invalidURL(current, reason: "unparsable") }
            try policy.check(url, original: original)
            var request = HTTPClientRequest(url: current)
            request.method = .GET
            let response: HTTPClientResponse
            do {
                let left = max(.zero, deadline - ContinuousClock.now)
                response = try await client.execute(request, timeout: .nanoseconds(left.components.seconds * 1_000_000_000
                                                                                    + left.components.attoseconds / 1_000_000_000))
            } catch {
                throw DownloadError.transport(url: original, message: "\(error)")
            }
            let code = Int(response.status.code)
            if (300..<400).contains(code) {
                guard let location = response.headers.first(name: "location"),
                      let next = URL(string: location, relativeTo: url)?.absoluteURL.absoluteString else {
                    throw DownloadError.redirects(url: original, reason: "a \(code) redirect without a location")
                }
                current = next
                continue
            }
            guard (200..<300).contains(code) else { throw DownloadError.status(url: original, code: code) }
            let expected = response.headers.first(name: "content-length").flatMap(Int64.init)
            if let expected, expected > configuration.maxBytes { throw DownloadError.tooLarge(url: original, limit: configuration.maxBytes) }
            let temporary = cache.temporaryFile()
            guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
                throw DownloadError.cache(path: temporary, message: "cannot create the file")
            }
            var received: Int64 = 0
            do {
                defer { try? handle.close() }
                for try await buffer in response.body {
                    received += Int64(buffer.readableBytes)
                    if received > configuration.maxBytes { throw DownloadError.tooLarge(url: original, limit: configuration.maxBytes) }
                    try handle.write(contentsOf: Data(buffer.readableBytesView))
                }
            } catch let error as DownloadError {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                // A body cut short surfaces as a stream error: say what it is when the length was declared.
                if let expected, received < expected { throw DownloadError.truncated(url: original, received: received, expected: expected) }
                throw DownloadError.transport(url: original, message: "\(error)")
            }
            if let expected, received < expected {
                try? FileManager.default.removeItem(atPath: temporary)
                throw DownloadError.truncated(url: original, received: received, expected: expected)
            }
            guard ContinuousClock.now < deadline else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw DownloadError.timedOut(url: original, after: configuration.timeout)
            }
            stats.bytes += received
            metrics?.bytes.increment(by: Int(received))
            return try cache.commit(temporary: temporary, url: original)
        }
        throw DownloadError.redirects(url: original, reason: "more than \(configuration.maxRedirects) redirects")
    }

    /// Bytes the cache holds now.
    public var cacheBytes: Int64 { cache.size }

    /// Closes the HTTP client; call once before the process ends.
    public func shutdown() async { try? await client.shutdown() }
}
