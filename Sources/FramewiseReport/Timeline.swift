import FramewiseCore

/// A run over time: frames per second through each stage (from the trace's batches) or videos
/// per second (from the results), and videos in flight and waiting at admission.
public enum Timeline {
    /// Per stage, frames finished per second in buckets of `bucket` seconds from `origin` (Unix seconds).
    public static func stageThroughput(spans: [SpanRecord], origin: Double, bucket: Double) -> [ChartSeries] {
        var perStage: [String: [Int: Double]] = [:]
        for span in spans {
            guard case let .string(stage)? = span.attribute(TraceVocabulary.Key.stage),
                  let frames = span.attribute(TraceVocabulary.Key.batchVideoFrames)?.number else { continue }
            let end = Double(span.endUnixNano) / 1e9 - origin
            perStage[stage, default: [:]][Int(max(0, end) / bucket), default: 0] += frames
        }
        return perStage.keys.sorted().map { stage in
            ChartSeries(name: "\(stage) frames/s", points: points(perStage[stage] ?? [:], bucket: bucket))
        }
    }

    /// Videos finished per second in buckets of `bucket` seconds from `origin`.
    public static func videoThroughput(videos: [ReportVideo], origin: Double, bucket: Double) -> ChartSeries {
        var counts: [Int: Double] = [:]
        for v in videos { if let t = v.times { counts[Int(max(0, t.finished - origin) / bucket), default: 0] += 1 } }
        return ChartSeries(name: "videos/s", points: points(counts, bucket: bucket))
    }

    private static func points(_ counts: [Int: Double], bucket: Double) -> [ChartPoint] {
        guard let last = counts.keys.max() else { return [] }
        return (0...last).map { ChartPoint(x: Double($0) * bucket, y: (counts[$0] ?? 0) / bucket) }
    }

    /// Videos inside the engine (admitted, not finished) and waiting at admission, as steps over time.
    public static func inFlight(videos: [ReportVideo], origin: Double) -> [ChartSeries] {
        func steps(_ intervals: [(Double, Double)], name: String) -> ChartSeries {
            var events: [(Double, Int)] = []
            for (a, b) in intervals where b > a { events += [(a - origin, 1), (b - origin, -1)] }
            events.sort { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            var level = 0
            var points = [ChartPoint(x: 0, y: 0)]
            for (t, d) in events {
                level += d
                points.append(ChartPoint(x: max(0, t), y: Double(level)))
            }
            return ChartSeries(name: name, points: points)
        }
        let times = videos.compactMap(\.times)
        return [steps(times.map { ($0.admitted, $0.finished) }, name: "in the engine"),
                steps(times.map { ($0.arrived, $0.admitted) }, name: "waiting at admission")]
    }

    /// A bucket width giving about 40 buckets over `seconds` (at least 0.1 s).
    public static func bucket(for seconds: Double) -> Double {
        let raw = max(0.1, seconds / 40)
        return AxisScale(upper: raw * 5, count: 5).ticks.dropFirst().first ?? raw
    }

    /// The empirical CDF of `values`: (value, share of values at or below it).
    public static func cdf(_ values: [Double]) -> [ChartPoint] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return [] }
        return [ChartPoint(x: sorted[0], y: 0)] + sorted.enumerated().map { ChartPoint(x: $0.element, y: Double($0.offset + 1) / Double(sorted.count)) }
    }
}
