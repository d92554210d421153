import FramewiseCore
import FramewisePostprocess

/// Agreement between a configuration's outputs and the reference's, from the JSON the engine
/// writes: per head on one frame, detection F1 at IoU 0.5 and counts, CTC exact text, and each
/// summary field per video. Pure functions: the tuner's accuracy and its hand-computed tests.
public enum OutputAgreement {
    /// Scores may differ by this much and still agree (and summary means, maxima, minima, sums).
    public static let defaultTolerance = 0.03

    /// The boxes of a detection head's JSON (`{"count", "boxes": [{"box": [x1, y1, x2, y2], "label"?}]}`).
    public static func detections(_ json: JSONValue) -> [Detection] {
        guard case let .array(boxes)? = json["boxes"] else { return [] }
        return boxes.compactMap { box in
            guard case let .array(xy)? = box["box"], xy.count == 4,
                  let x1 = xy[0].number, let y1 = xy[1].number, let x2 = xy[2].number, let y2 = xy[3].number else { return nil }
            var label: String?
            if case let .string(l)? = box["label"] { label = l }
            return Detection(x1: x1, y1: y1, x2: x2, y2: y2, score: Float(box["score"]?.number ?? 0), label: label)
        }
    }

    /// Over frames (reference, candidate): the mean F1 of boxes matched at IoU 0.5 (1 when both have
    /// none) and the fraction of frames with the same count.
    public static func detection(_ frames: [(reference: [Detection], candidate: [Detection])]) -> (f1: Double, countAgreement: Double) {
        guard !frames.isEmpty else { return (1, 1) }
        let f1 = frames.map { VariantAccuracy.f1($0.reference, $0.candidate) }.reduce(0, +) / Double(frames.count)
        let counts = frames.filter { $0.reference.count == $0.candidate.count }.count
        return (f1, Double(counts) / Double(frames.count))
    }

    /// The fraction of texts read exactly alike (1 when there are none).
    public static func textMatchRate(_ pairs: [(reference: String, candidate: String)]) -> Double {
        guard !pairs.isEmpty else { return 1 }
        return Double(pairs.filter { $0.reference == $0.candidate }.count) / Double(pairs.count)
    }

    /// Whether one stage's output on one frame agrees with the reference's: classify (same top
    /// label, every score within `tolerance`), detection (same count, every box matched at IoU 0.5),
    /// CTC (same text), crops (same number, each agreeing), anything else (equal, numbers within `tolerance`).
    public static func frameAgrees(_ a: JSONValue, _ b: JSONValue, tolerance: Double = defaultTolerance) -> Bool {
        switch (a, b) {
        case let (.array(xs), .array(ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { frameAgrees($0, $1, tolerance: tolerance) }
        case (.object, .object):
            if a["boxes"] != nil || b["boxes"] != nil {
                let x = detections(a), y = detections(b)
                return x.count == y.count && VariantAccuracy.f1(x, y) == 1
            }
            if let top = a["top"] {
                guard case let .array(ta) = top, case let .array(tb)? = b["top"] else { return false }
                guard ta.first?["label"] == tb.first?["label"] else { return false }
                let sa = a["scores"].map(numbers) ?? [:], sb = b["scores"].map(numbers) ?? [:]
                return Set(sa.keys) == Set(sb.keys) && sa.allSatisfy { abs($0.value - (sb[$0.key] ?? .infinity)) <= tolerance }
            }
            if case let .string(ta)? = a["text"] {
                guard case let .string(tb)? = b["text"] else { return false }
                return ta == tb
            }
            return close(a, b, tolerance)
        default:
            return close(a, b, tolerance)
        }
    }

    /// One stage's output on one frame as items compared: a frame stage's output is one item; a crop
    /// stage's is one per crop (the larger count of the two), paired in order when both found as many
    /// crops, else matched as multisets (each reference crop with the first unmatched candidate crop
    /// that agrees: an upstream detector that finds one box more or less moves the others' order).
    /// Crops read as no text (a CTC line of "") are not counted on either side: a box that reads as
    /// nothing adds nothing to the output. The candidate's and the search's measures then count alike
    /// (a recogniser is judged per text line, as the tuner's floor is checked on crops).
    public static func itemsAgreeing(_ a: JSONValue, _ b: JSONValue, tolerance: Double = defaultTolerance) -> (items: Int, agreeing: Int) {
        guard case let .array(all) = a, case let .array(allOther) = b else { return (1, frameAgrees(a, b, tolerance: tolerance) ? 1 : 0) }
        let xs = all.filter { !isEmptyRead($0) }, ys = allOther.filter { !isEmptyRead($0) }
        if xs.count == ys.count { return (xs.count, zip(xs, ys).filter { frameAgrees($0, $1, tolerance: tolerance) }.count) }
        var unmatched = ys
        var agreeing = 0
        for x in xs {
            guard let k = unmatched.firstIndex(where: { frameAgrees(x, $0, tolerance: tolerance) }) else { continue }
            unmatched.remove(at: k)
            agreeing += 1
        }
        return (max(xs.count, ys.count), agreeing)
    }

    /// A CTC line that read no text.
    static func isEmptyRead(_ item: JSONValue) -> Bool {
        if case let .string(text)? = item["text"] { return text.isEmpty }
        return false
    }

    /// Per summary field, whether a video's summary agrees with the reference's: counts
    /// (`count`, `count_nonzero`) equal, `max`/`min`/`mean`/`sum` within `tolerance`, `unique` the same set.
    public static func summaryFields(_ reference: [JSONField], _ candidate: [JSONField], reductions: [String: Reduction],
                                     tolerance: Double = defaultTolerance) -> [(field: String, agrees: Bool)] {
        reference.map { field -> (field: String, agrees: Bool) in
            guard let other = candidate.first(where: { $0.key == field.key })?.value else { return (field.key, false) }
            switch reductions[field.key] {
            case .count?, .countNonzero?:
                return (field.key, field.value.number == other.number)
            case .unique?:
                guard case let .array(xs) = field.value, case let .array(ys) = other else { return (field.key, field.value == other) }
                return (field.key, Set(xs.map(\.jsonText)) == Set(ys.map(\.jsonText)))
            default:
                return (field.key, close(field.value, other, tolerance))
            }
        }
    }

    static func numbers(_ json: JSONValue) -> [String: Double] {
        guard case let .object(fields) = json else { return [:] }
        var out: [String: Double] = [:]
        for f in fields { if let n = f.value.number { out[f.key] = n } }
        return out
    }

    /// Equal JSON, numbers within `tolerance`.
    static func close(_ a: JSONValue, _ b: JSONValue, _ tolerance: Double) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return abs(x - y) <= tolerance
        case let (.array(xs), .array(ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy { close($0, $1, tolerance) }
        case let (.object(xs), .object(ys)):
            return xs.map(\.key) == ys.map(\.key) && zip(xs, ys).allSatisfy { close($0.value, $1.value, tolerance) }
        default: return a == b
        }
    }
}
