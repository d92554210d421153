import Foundation
import FramewiseCore

/// Classification: optional softmax over the class axis, then the top-k labels with scores.
public struct ClassifyHead: Sendable {
    public let spec: ClassifySpec
    public init(spec: ClassifySpec) { self.spec = spec }

    public func apply(_ item: ItemOutputs) throws(PostprocessError) -> HeadResult {
        guard let out = item.output(spec.output), !out.values.isEmpty else {
            throw PostprocessError(head: "classify", message: "output '\(spec.output ?? "<first>")' is missing or empty")
        }
        let probs = spec.softmax ? softmax(out.values) : out.values
        let k = min(spec.topK, probs.count)
        let order = probs.indices.sorted { probs[$0] > probs[$1] }.prefix(k)
        let label = { (i: Int) in i < spec.labels.count ? spec.labels[i] : String(i) }
        let top: [JSONValue] = order.map { .object(["label": .string(label($0)), "score": .number(Double(probs[$0]))]) }
        var fields = [JSONField("top", .array(top))]
        if !spec.labels.isEmpty, probs.count <= 32 {
            fields.append(JSONField("scores", .object(probs.indices.map { JSONField(label($0), .number(Double(probs[$0]))) })))
        }
        let best = order.first.map { (label($0), probs[$0]) }
        return HeadResult(json: .object(fields), topLabel: best)
    }
}

/// Numerically stable softmax.
public func softmax(_ logits: [Float]) -> [Float] {
    guard let maxLogit = logits.max() else { return [] }
    let exps = logits.map { expf($0 - maxLogit) }
    let sum = exps.reduce(0, +)
    return exps.map { $0 / sum }
}
