extension PostprocessSpec {
    /// The dotted paths each head writes per item, the ones a summary `value` can name (e.g.
    /// `scores.nsfw`, `count`, `boxes.score`, `text`); `modelOutputs` are the model's output names,
    /// which the raw head writes as they are.
    public func fieldPaths(modelOutputs: [String]) -> [String] {
        switch self {
        case let .raw(spec):
            let chosen = spec.outputs.isEmpty ? modelOutputs : modelOutputs.filter { spec.outputs.contains($0) }
            return chosen.flatMap { [$0, "\($0).shape"] }
        case let .classify(spec):
            // `scores` is written when the labels are known and few (see ClassifyHead).
            let scores = !spec.labels.isEmpty && spec.labels.count <= 32 ? ["scores"] + spec.labels.map { "scores.\($0)" } : []
            return ["top", "top.label", "top.score"] + scores
        case .centerFace:
            return ["count", "boxes", "boxes.box", "boxes.score", "boxes.landmarks"]
        case .yolo:
            return ["count", "boxes", "boxes.box", "boxes.score", "boxes.label"]
        case .textBoxes:
            return ["count", "boxes", "boxes.box", "boxes.score"]
        case .ctc:
            return ["text", "score"]
        }
    }
}
