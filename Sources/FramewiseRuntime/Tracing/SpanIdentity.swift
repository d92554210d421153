import Tracing

/// Which span a context belongs to: its trace and span ids (hex), carried in an
/// `InstrumentationContext` so child spans find their parent.
public struct SpanIdentity: Sendable, Hashable {
    public var traceID: String
    public var spanID: String

    public init(traceID: String, spanID: String) {
        self.traceID = traceID
        self.spanID = spanID
    }

    /// The W3C `traceparent` form: `00-<trace>-<span>-01`.
    public var traceparent: String { "00-\(traceID)-\(spanID)-01" }

    /// Reads a `traceparent` value (nil when malformed).
    public init?(traceparent: String) {
        let parts = traceparent.split(separator: "-")
        guard parts.count == 4, parts[1].count == 32, parts[2].count == 16,
              parts[1].allSatisfy(\.isHexDigit), parts[2].allSatisfy(\.isHexDigit) else { return nil }
        self.init(traceID: String(parts[1]), spanID: String(parts[2]))
    }

    /// A random non-zero id of `bytes` bytes, in hex.
    static func randomHex(bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        var hex = ""
        repeat {
            hex = (0..<bytes).map { _ in
                let b = UInt8.random(in: 0...255, using: &rng)
                return String(b, radix: 16).leftPadded(to: 2)
            }.joined()
        } while hex.allSatisfy { $0 == "0" }
        return hex
    }
}

private enum SpanIdentityKey: InstrumentationContextKey {
    typealias Value = SpanIdentity
}

extension InstrumentationContext {
    /// The span this context belongs to (nil: none, e.g. `.topLevel`).
    public var spanIdentity: SpanIdentity? {
        get { self[SpanIdentityKey.self] }
        set { self[SpanIdentityKey.self] = newValue }
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
