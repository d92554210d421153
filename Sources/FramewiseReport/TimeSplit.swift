import FramewiseCore

/// Where a run's time went: per stage, seconds of queue wait, preprocessing, inference and
/// postprocessing summed over its videos, plus decoding; and each category's share of the total.
public struct TimeSplit: Sendable, Equatable {
    /// The categories, in chart order.
    public static let categories = ["decode", "queue", "preprocess", "inference", "postprocess"]

    /// One row per stage (stages in first-seen order), decode first.
    public var rows: [StackedBar]

    public init(videos: [ReportVideo]) {
        var order: [String] = []
        var totals: [String: StageTime] = [:]
        var decode = 0.0
        for v in videos {
            decode += v.decodeSeconds
            for (name, t) in v.stages.sorted(by: { $0.key < $1.key }) {
                if totals[name] == nil { order.append(name) }
                totals[name, default: StageTime()].add(t)
            }
        }
        rows = [StackedBar(label: "decode", values: [decode, 0, 0, 0, 0])]
        rows += order.map { name in
            let t = totals[name] ?? StageTime()
            return StackedBar(label: name, values: [0, t.queueWaitSeconds, t.preprocessSeconds, t.inferenceSeconds, t.postprocessSeconds])
        }
    }

    /// Seconds per category over every row.
    public var totals: [Double] {
        Self.categories.indices.map { i in rows.reduce(0) { $0 + ($1.values.indices.contains(i) ? $1.values[i] : 0) } }
    }

    /// Each category's share of all the time (0 when nothing was measured).
    public var shares: [Double] {
        let t = totals, sum = t.reduce(0, +)
        return t.map { sum > 0 ? $0 / sum : 0 }
    }
}
