import FramewiseCore

/// Reduces per-frame stage outputs to the pipeline's per-video summary values.
public enum SummaryReducer {
    public static func reduce(_ specs: [SummarySpec], frames: [FrameResult]) -> [JSONField] {
        specs.map { JSONField($0.name, reduce($0, frames: frames)) }
    }

    static func reduce(_ spec: SummarySpec, frames: [FrameResult]) -> JSONValue {
        // Values per frame: the stage's output at the path (several for crop stages).
        let perFrame: [[JSONValue]] = frames.map { frame in
            guard let output = frame.outputs.first(where: { $0.key == spec.stage })?.value else { return [] }
            if spec.value.isEmpty {
                if case let .array(items) = output { return items }
                return [output]
            }
            return output.values(at: spec.value)
        }
        let all = perFrame.flatMap { $0 }
        let numbers = all.compactMap(\.number)
        switch spec.reduce {
        case .max: return numbers.max().map { .number($0) } ?? .null
        case .min: return numbers.min().map { .number($0) } ?? .null
        case .sum: return .number(numbers.reduce(0, +))
        case .mean: return numbers.isEmpty ? .null : .number(numbers.reduce(0, +) / Double(numbers.count))
        case .count: return .number(Double(all.count))
        case .countNonzero:
            return .number(Double(perFrame.filter { values in values.contains { ($0.number ?? 0) != 0 } }.count))
        case .unique:
            var seen: [String] = []
            for v in all {
                let text: String
                switch v {
                case let .string(s): text = s
                default: text = v.jsonText
                }
                if !text.isEmpty && !seen.contains(text) { seen.append(text) }
            }
            return .array(seen.map { .string($0) })
        }
    }
}
