import Foundation

/// A linear softmax classifier on feature vectors, trained by plain full-batch gradient descent on
/// the mean cross-entropy with L2 weight decay. Weights start at zero and the steps are fixed, so
/// training is deterministic: the same data give the same head, run after run.
public struct SoftmaxRegression: Sendable, Equatable, Codable {
    /// How training runs.
    public struct Configuration: Sendable, Equatable {
        public var epochs: Int
        public var learningRate: Float
        public var l2: Float
        public init(epochs: Int = 300, learningRate: Float = 2, l2: Float = 1e-4) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.l2 = l2
        }
    }

    /// `classes` x `dimensions`, row-major.
    public private(set) var weights: [Float]
    public private(set) var bias: [Float]
    public let classes: Int
    public let dimensions: Int

    /// Trains on `features` (all of one length) with `labels` in 0..<classes.
    public init(features: [[Float]], labels: [Int], classes: Int, configuration: Configuration = Configuration()) {
        let d = features.first?.count ?? 0
        self.classes = classes
        dimensions = d
        weights = [Float](repeating: 0, count: classes * d)
        bias = [Float](repeating: 0, count: classes)
        let n = Float(max(1, features.count))
        for _ in 0..<configuration.epochs {
            var gradW = [Float](repeating: 0, count: classes * d)
            var gradB = [Float](repeating: 0, count: classes)
            for (x, y) in zip(features, labels) where x.count == d {
                let p = probabilities(x)
                for c in 0..<classes {
                    let g = p[c] - (c == y ? 1 : 0)
                    gradB[c] += g
                    let row = c * d
                    for j in 0..<d { gradW[row + j] += g * x[j] }
                }
            }
            let lr = configuration.learningRate
            for i in weights.indices { weights[i] -= lr * (gradW[i] / n + configuration.l2 * weights[i]) }
            for c in 0..<classes { bias[c] -= lr * gradB[c] / n }
        }
    }

    /// Class probabilities of `x`.
    public func probabilities(_ x: [Float]) -> [Float] {
        var logits = bias
        guard x.count == dimensions else { return TopK.softmax(logits) }
        for c in 0..<classes {
            let row = c * dimensions
            var s: Float = 0
            for j in 0..<dimensions { s += weights[row + j] * x[j] }
            logits[c] += s
        }
        return TopK.softmax(logits)
    }
}

/// Focus' specialisation: a softmax head on the cheap model's features that predicts the stream's
/// most frequent ground-truth classes plus OTHER, trained on a sample of frames labelled by the GT.
public struct SpecializedHead: Sendable, Equatable, Codable {
    /// The kept classes (ids of the GT's label space); output `classIDs.count` is OTHER.
    public let classIDs: [Int]
    public let model: SoftmaxRegression

    /// Keeps the `keep` most frequent classes of `labels` (ties: the lower id) and trains on every sample.
    public init(features: [[Float]], labels: [Int], keep: Int, configuration: SoftmaxRegression.Configuration = .init()) {
        var counts: [Int: Int] = [:]
        for l in labels { counts[l, default: 0] += 1 }
        let kept = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(max(1, keep)).map(\.key)
        classIDs = kept
        let index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        model = SoftmaxRegression(features: features, labels: labels.map { index[$0] ?? kept.count }, classes: kept.count + 1,
                                  configuration: configuration)
    }

    /// The class id OTHER is stored under in an index (no GT class has a negative id).
    public static let otherClassID = -1

    /// The frame's top-K among the head's outputs: OTHER dropped (so fewer than K when OTHER ranks),
    /// or kept as `otherClassID` with `keepOther`, so that queries for a class the head does not
    /// know can still find the frames it put in OTHER.
    public func topK(_ feature: [Float], k: Int, keepOther: Bool = false) -> [ClassScore] {
        TopK.select(model.probabilities(feature), k: k, softmax: false).compactMap { c in
            if c.classID < classIDs.count { return ClassScore(classID: classIDs[c.classID], score: c.score) }
            return keepOther ? ClassScore(classID: Self.otherClassID, score: c.score) : nil
        }
    }

    /// True when the head predicts `classID` itself (otherwise the class is in OTHER).
    public func knows(_ classID: Int) -> Bool { classIDs.contains(classID) }
}
