/// `StageTime` as named numbers, for stores that keep totals as counters.
extension StageTime {
    /// Every non-zero field by name.
    public var fields: [(name: String, value: Double)] {
        let all: [(String, Double)] = [
            ("items", Double(items)), ("batches", Double(batches)), ("preprocess", preprocessSeconds),
            ("queue", queueWaitSeconds), ("inference", inferenceSeconds), ("postprocess", postprocessSeconds),
            ("dropped", Double(dropped)), ("late", Double(late)),
        ]
        return all.filter { $0.1 != 0 }
    }

    /// Sets the field `name` (one of `fields`' names); unknown names are ignored.
    public mutating func set(_ name: String, _ value: Double) {
        switch name {
        case "items": items = Int(value.rounded())
        case "batches": batches = Int(value.rounded())
        case "preprocess": preprocessSeconds = value
        case "queue": queueWaitSeconds = value
        case "inference": inferenceSeconds = value
        case "postprocess": postprocessSeconds = value
        case "dropped": dropped = Int(value.rounded())
        case "late": late = Int(value.rounded())
        default: break
        }
    }
}
