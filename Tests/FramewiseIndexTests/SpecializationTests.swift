import Foundation
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

    /// A head on two directions (classes 7 and 9, the rest OTHER), kept in an index's settings.
    static func twoClassHead() -> SpecializedHead {
        let features: [[Float]] = [[1, 0, 0], [0.95, 0.05, 0], [0, 1, 0], [0.05, 0.95, 0], [0, 0, 1], [0, 0.05, 0.95]].map(FeatureVector.normalized)
        return SpecializedHead(features: features, labels: [7, 7, 9, 9, 3, 4], keep: 2, configuration: .init(epochs: 300, learningRate: 2, l2: 0))
    }

    @Test func otherIsKeptUnderItsOwnIdWhenAsked() throws {
        let head = Self.twoClassHead()
        #expect(head.classIDs == [7, 9])
        let third = FeatureVector.normalized([0, 0, 1])
        #expect(head.topK(third, k: 1).isEmpty)
        #expect(head.topK(third, k: 1, keepOther: true).map(\.classID) == [SpecializedHead.otherClassID])
        #expect(head.topK(FeatureVector.normalized([1, 0, 0]), k: 3, keepOther: true).map(\.classID).first == 7)
        #expect(head.knows(9) && !head.knows(3))
        // The head survives the index's settings (JSON) unchanged.
        var settings = IndexSettings(topK: 2)
        settings.specialization = IndexSpecialization(head: head, groundTruth: "gt:abc", trainFrames: 6, groundTruthSeconds: 0.5)
        let decoded = try JSONDecoder().decode(IndexSettings.self, from: try JSONEncoder().encode(settings))
        #expect(decoded == settings)
    }

    /// A specialised index: frames store the head's top-K; a class the head knows is looked up
    /// directly, one it does not know among the clusters it put in OTHER.
    @Test func queriesForUnknownClassesLookAmongOther() async throws {
        let head = Self.twoClassHead()
        let store = try IndexStore(directory: IndexStoreTests.temporaryFolder())
        var settings = IndexSettings(topK: 1, clustering: ClusteringConfiguration(threshold: 0.5))
        settings.specialization = IndexSpecialization(head: head, groundTruth: "gt:abc", trainFrames: 6, groundTruthSeconds: 0.5)
        try store.saveSettings(settings)
        let directions: [[Float]] = [[1, 0, 0], [1, 0.02, 0], [0, 1, 0], [0, 0, 1], [0.02, 0, 1]]
        let frames = directions.enumerated().map { i, d in
            let feature = FeatureVector.normalized(d)
            return IndexedFrame(sampleIndex: i, sourceIndex: i, time: Double(i), topK: head.topK(feature, k: 1, keepOther: true), feature: feature)
        }
        try store.add(IndexedVideo.clustered(path: "/v/a.mp4", frames: frames, configuration: settings.clustering))
        let known = try await IndexQuery.run(store: store, classID: 7, groundTruth: nil)
        #expect(!known.viaOther)
        #expect(known.frames.map(\.sampleIndex) == [0, 1])
        let unknown = try await IndexQuery.run(store: store, classID: 3, groundTruth: nil)
        #expect(unknown.viaOther)
        #expect(unknown.frames.map(\.sampleIndex) == [3, 4])
    }
}
