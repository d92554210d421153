import Foundation
import FramewiseCore

/// What a load run measured: how many jobs were offered, accepted, refused (429) and completed,
/// per-video latency from submission to result, throughput, and the API's own request times.
public struct LoadReport: Sendable {
    public var offeredRate = 0.0
    /// The arrival process the load was offered with.
    public var arrivals = ArrivalProcess.Kind.poisson
    /// Jobs offered (POSTed).
    public var submitted = 0
    public var accepted = 0
    /// Refused with 429 (queue full).
    public var rejected = 0
    /// Other non-202 answers and transport errors.
    public var errors = 0
    /// Accepted jobs whose result came back (ok or failed).
    public var completed = 0
    public var ok = 0
    public var failed = 0
    /// Accepted jobs without a result within the timeout.
    public var timedOut = 0
    /// Seconds from the first submission to the last result.
    public var wallSeconds = 0.0
    /// Seconds from submission to result, per completed video.
    public var latencies: [Double] = []
    /// Milliseconds per request, by kind (`submit`, `status`, `results`).
    public var requestMillis: [String: [Double]] = [:]
    /// The first few error messages, for the report.
    public var errorSamples: [String] = []

    public init() {}

    /// Completed videos per second over the run.
    public var throughput: Double { wallSeconds > 0 ? Double(completed) / wallSeconds : 0 }
    /// Videos with an ok result per second.
    public var goodput: Double { wallSeconds > 0 ? Double(ok) / wallSeconds : 0 }

    /// The `p`-th percentile (0...100) of `values`, nearest rank; 0 when empty.
    public static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Every request time together.
    public var allRequestMillis: [Double] { requestMillis.values.flatMap { $0 } }

    public var json: JSONValue {
        func pair(_ values: [Double]) -> JSONValue {
            .object(["p50": .number(Self.percentile(50, of: values)), "p99": .number(Self.percentile(99, of: values)),
                     "count": .number(Double(values.count))])
        }
        var requests: [JSONField] = requestMillis.keys.sorted().map { JSONField($0, pair(requestMillis[$0] ?? [])) }
        requests.append(JSONField("all", pair(allRequestMillis)))
        return .object([
            "offered_rate": .number(offeredRate), "arrivals": .string(arrivals.rawValue), "submitted": .number(Double(submitted)), "accepted": .number(Double(accepted)),
            "rejected_429": .number(Double(rejected)), "errors": .number(Double(errors)), "completed": .number(Double(completed)),
            "ok": .number(Double(ok)), "failed": .number(Double(failed)), "timed_out": .number(Double(timedOut)),
            "wall_seconds": .number(wallSeconds), "throughput": .number(throughput), "goodput": .number(goodput),
            "latency_seconds": pair(latencies), "request_ms": .object(requests),
            "error_samples": .array(errorSamples.map(JSONValue.string)),
        ])
    }

    /// A small table for people.
    public var text: String {
        func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        var lines = [
            "offered      \(f(offeredRate, 2)) jobs/s (\(arrivals.rawValue)), \(submitted) submitted",
            "accepted     \(accepted)   429: \(rejected)   errors: \(errors)",
            "completed    \(completed) (ok \(ok), failed \(failed), timed out \(timedOut))",
            "latency      p50 \(f(Self.percentile(50, of: latencies)))s   p99 \(f(Self.percentile(99, of: latencies)))s   (submission to result)",
            "throughput   \(f(throughput)) videos/s   goodput \(f(goodput)) videos/s   over \(f(wallSeconds, 1))s",
        ]
        for kind in requestMillis.keys.sorted() {
            let values = requestMillis[kind] ?? []
            lines.append("api \(kind.padding(toLength: 8, withPad: " ", startingAt: 0)) p50 \(f(Self.percentile(50, of: values), 2))ms   p99 \(f(Self.percentile(99, of: values), 2))ms")
        }
        for sample in errorSamples { lines.append("error: \(sample)") }
        return lines.joined(separator: "\n")
    }
}
