import FramewiseCore

/// How large each stage's batches were, from a trace: every batch counted once (a batch that held
/// several videos appears in each of their traces with the same id).
public struct BatchSizes: Sendable, Equatable {
    /// One histogram per stage, stages by name.
    public var stages: [(stage: String, model: String, bins: [HistogramBin])]

    public static func == (a: BatchSizes, b: BatchSizes) -> Bool {
        a.stages.map(\.stage) == b.stages.map(\.stage) && a.stages.map(\.model) == b.stages.map(\.model) && a.stages.map(\.bins) == b.stages.map(\.bins)
    }

    public init(spans: [SpanRecord]) {
        var seen: Set<String> = []
        var counts: [String: [Int: Int]] = [:]
        var models: [String: String] = [:]
        for span in spans {
            guard case let .string(stage)? = span.attribute(TraceVocabulary.Key.stage),
                  let size = span.attribute(TraceVocabulary.Key.batchSize)?.number else { continue }
            let id: String
            if case let .string(b)? = span.attribute(TraceVocabulary.Key.batchID) { id = b } else { id = span.spanID }
            guard seen.insert(stage + "/" + id).inserted else { continue }
            counts[stage, default: [:]][Int(size), default: 0] += 1
            if case let .string(m)? = span.attribute(TraceVocabulary.Key.model) { models[stage] = m }
        }
        stages = counts.keys.sorted().map { stage in
            (stage, models[stage] ?? stage, (counts[stage] ?? [:]).sorted { $0.key < $1.key }.map { HistogramBin(value: $0.key, count: $0.value) })
        }
    }

    /// Mean batch size of `stage` (nil: no batch).
    public func mean(of stage: String) -> Double? {
        guard let bins = stages.first(where: { $0.stage == stage })?.bins else { return nil }
        let n = bins.reduce(0) { $0 + $1.count }
        return n > 0 ? Double(bins.reduce(0) { $0 + $1.value * $1.count }) / Double(n) : nil
    }
}
