import Foundation

/// One class of a classifier's output with its score (a softmax probability, or the raw value).
public struct ClassScore: Sendable, Equatable, Codable {
    /// The class's index in the model's output (e.g. an ImageNet class id, 0...999).
    public var classID: Int
    public var score: Float

    public init(classID: Int, score: Float) {
        self.classID = classID
        self.score = score
    }
}

/// The top-K classes of one output vector.
public enum TopK {
    /// The `k` highest entries of `values` (after a numerically stable softmax when `softmax`),
    /// highest first; ties go to the lower class id.
    public static func select(_ values: [Float], k: Int, softmax: Bool) -> [ClassScore] {
        guard k > 0, !values.isEmpty else { return [] }
        let probs = softmax ? Self.softmax(values) : values
        let order = probs.indices.sorted { probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1) }
        return order.prefix(k).map { ClassScore(classID: $0, score: probs[$0]) }
    }

    /// exp(x - max) / sum.
    public static func softmax(_ logits: [Float]) -> [Float] {
        guard let top = logits.max() else { return [] }
        let exps = logits.map { expf($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}
