import FramewiseCore

/// Why a URL could not be fetched, naming the URL.
public enum DownloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an http(s) URL, or unparsable.
    case invalidURL(String, reason: String)
    /// The host resolves to a loopback, link-local or private address that is not allow-listed.
    case refusedAddress(url: String, host: String, address: String)
    /// The host did not resolve.
    case unresolvable(url: String, host: String)
    /// The server answered with an error status.
    case status(url: String, code: Int)
    /// Larger than the limit (declared or counted).
    case tooLarge(url: String, limit: Int64)
    /// The body ended before its declared length.
    case truncated(url: String, received: Int64, expected: Int64)
    /// More redirects than allowed, or a redirect without a location.
    case redirects(url: String, reason: String)
    /// The connection failed, after every retry.
    case transport(url: String, message: String)
    /// An attempt did not get the whole body within the timeout (`DownloaderConfiguration.timeout`), after every retry.
    case timedOut(url: String, after: Duration)
    /// The cache could not be written.
    case cache(path: String, message: String)

    public var description: String {
        switch self {
        case let .invalidURL(url, reason): "cannot fetch \(url): \(reason)"
        case let .refusedAddress(url, host, address):
            "refused \(url): \(host) resolves to \(address), a loopback, link-local or private address (allow-list it to fetch from it)"
        case let .unresolvable(url, host): "cannot fetch \(url): \(host) does not resolve"
        case let .status(url, code): "cannot fetch \(url): the server answered \(code)"
        case let .tooLarge(url, limit): "cannot fetch \(url): larger than the limit of \(limit) bytes"
        case let .truncated(url, received, expected): "cannot fetch \(url): the body ended after \(received) of \(expected) bytes"
        case let .redirects(url, reason): "cannot fetch \(url): \(reason)"
        case let .transport(url, message): "cannot fetch \(url): \(message)"
        case let .timedOut(url, after): "cannot fetch \(url): no complete response within \(after.seconds) s"
        case let .cache(path, message): "cannot write the download cache at \(path): \(message)"
        }
    }

    /// Whether another attempt may succeed.
    var isTransient: Bool {
        switch self {
        case let .status(_, code): code >= 500 || code == 429 || code == 408
        case .transport, .truncated, .timedOut: true
        default: false
        }
    }
}
