import FramewiseCore
import Testing
@testable import FramewiseIndex

@Suite struct SpecializationTests {
    /// Three linearly separable groups in 4-d, plus a rare fourth: the head keeps the two most frequent
    /// classes plus OTHER, ranks each training frame's own class first and folds the rest into OTHER.
    @Test func headLearnsTheFrequentClassesAndOther() {
        var rng = SplitMix64(seed: 3)
        var features: [[Float]] = []
        var labels: [Int] = []
        let centres: [(Int, [Float], Int)] = [(400, [1, 0, 0, 0], 12), (500, [0, 1, 0, 0], 10), (600, [0, 0, 1, 0], 4), (700, [0, 0, 0, 1], 2)]
        for (label, centre, count) in centres {
            for _ in 0..<count {
                features.append(FeatureVector.normalized(centre.map { $0 + Float.random(in: 0...0.1, using: &rng) }))
                labels.append(label)
            }
        }
        let head = SpecializedHead(features: features, labels: labels, keep: 2, configuration: .init(epochs: 200, learningRate: 2, l2: 0))
        #expect(head.classIDs == [400, 500])
        for (x, y) in zip(features, labels) {
            let top = head.topK(x, k: 1)
            if y == 400 || y == 500 { #expect(top.map(\.classID) == [y]) } else { #expect(top.isEmpty, "OTHER ranks first for \(y)") }
        }
        // Deterministic: the same data give the same head.
        #expect(SpecializedHead(features: features, labels: labels, keep: 2, configuration: .init(epochs: 200, learningRate: 2, l2: 0)) == head)
    }
}
