import Foundation
import Testing
@testable import FramewiseIndex

@Suite struct IndexStoreTests {
    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("framewise-index-\(UUID().uuidString)").path
    }

    /// A hand-made video: frames i with top-K given per frame, features on two directions so
    /// frames 0-2 and 3-4 form two clusters at threshold 0.5.
    static func video(_ path: String, tops: [[ClassScore]]) -> IndexedVideo {
        let frames = tops.enumerated().map { i, top in
            IndexedFrame(sampleIndex: i, sourceIndex: i * 10, time: Double(i) * 0.4, topK: top,
                         feature: FeatureVector.normalized(i < 3 ? [1, 0.01 * Float(i), 0] : [0, 1, 0.01 * Float(i)]))
        }
        return IndexedVideo.clustered(path: path, frames: frames, configuration: ClusteringConfiguration(threshold: 0.5), cheapSeconds: 1.5)
    }

    static let tops: [[ClassScore]] = [
        [ClassScore(classID: 285, score: 0.6), ClassScore(classID: 281, score: 0.2)],
        [ClassScore(classID: 281, score: 0.7), ClassScore(classID: 285, score: 0.1)],
        [ClassScore(classID: 285, score: 0.5), ClassScore(classID: 967, score: 0.3)],
        [ClassScore(classID: 967, score: 0.9), ClassScore(classID: 504, score: 0.05)],
        [ClassScore(classID: 504, score: 0.4), ClassScore(classID: 967, score: 0.35)],
    ]

    @Test func classToClusterLookupHoldsBestScores() throws {
        let store = try IndexStore(directory: Self.temporaryFolder())
        try store.add(Self.video("/v/a.mp4", tops: Self.tops))
        let cat = try store.candidates(classID: 285)
        #expect(cat.count == 1)
        #expect(cat.first?.size == 3)
        #expect(abs((cat.first?.bestScore ?? 0) - 0.6) < 1e-6)
        let espresso = try store.candidates(classID: 967)
        #expect(espresso.count == 2)
        #expect(espresso.map(\.bestScore).map { ($0 * 100).rounded() } == [30, 90])
        #expect(try store.candidates(classID: 1).isEmpty)
        // A smaller K at query time: 967 is top-1 only in frame 3 (the second cluster); 281 is top-1 in frame 1.
        #expect(try store.candidates(classID: 967, topK: 1).map(\.size) == [2])
        #expect(try store.candidates(classID: 281, topK: 1).count == 1)
        #expect(try store.candidates(classID: 504, topK: 1).map(\.size) == [2])
        #expect(try store.candidates(classID: 504, topK: 2).count == 1)
        // The centroid belongs to its cluster, and the cluster's frames come back in time order.
        let frames = try store.frames(ofClusters: espresso.map(\.clusterID))
        #expect(frames.map(\.sampleIndex) == [0, 1, 2, 3, 4])
        #expect(frames.map(\.sourceIndex) == [0, 10, 20, 30, 40])
        #expect(espresso.allSatisfy { c in frames.contains { $0.frameID == c.centroid.frameID && $0.clusterID == c.clusterID } })
    }

    @Test func roundTripAndIncrementalGrowth() throws {
        let folder = Self.temporaryFolder()
        let settings = IndexSettings(topK: 2, clustering: ClusteringConfiguration(threshold: 0.5), labels: ["a", "b"])
        do {
            let store = try IndexStore(directory: folder)
            try store.saveSettings(settings)
            try store.add(Self.video("/v/a.mp4", tops: Self.tops))
        }
        // Reopened: the same settings, frames, features (float16) and classes.
        let store = try IndexStore(directory: folder)
        #expect(try store.settings() == settings)
        var summary = try store.summary()
        #expect((summary.videos, summary.frames, summary.clusters) == (1, 5, 2))
        #expect(summary.bytes > 0)
        let all = try store.allFrames()
        #expect(all.map(\.topK) == Self.tops.map { $0.map { ClassScore(classID: $0.classID, score: ($0.score * 1e5).rounded() / 1e5) } })
        let feature = try #require(try store.feature(frameID: all[3].frame.frameID))
        #expect(abs(feature[1] - 1) < 1e-3)
        #expect(try store.candidates(classID: 504).count == 1)

        // A second video adds to the index; a query sees both.
        try store.add(Self.video("/v/b.mp4", tops: Self.tops.reversed()))
        summary = try store.summary()
        #expect((summary.videos, summary.frames) == (2, 10))
        #expect(try store.videos() == ["/v/a.mp4", "/v/b.mp4"])
        #expect(Set(try store.candidates(classID: 504).map(\.centroid.video)) == ["/v/a.mp4", "/v/b.mp4"])
        // The same video again replaces its entry.
        try store.add(Self.video("/v/a.mp4", tops: Self.tops))
        #expect(try store.summary().frames == 10)
    }

    @Test func groundTruthLabelsAreCachedPerPipeline() throws {
        let store = try IndexStore(directory: Self.temporaryFolder())
        try store.add(Self.video("/v/a.mp4", tops: Self.tops))
        let ids = try store.allFrames().map(\.frame.frameID)
        try store.saveGroundTruth([ids[0]: GroundTruthLabel(classID: 285, label: "Egyptian cat", score: 0.8)], gt: "gt:1")
        #expect(try store.groundTruth(frameIDs: ids, gt: "gt:1") == [ids[0]: GroundTruthLabel(classID: 285, label: "Egyptian cat", score: 0.8)])
        #expect(try store.groundTruth(frameIDs: ids, gt: "other").isEmpty)
    }

    /// Without a ground truth, every candidate cluster is the answer.
    @Test func queryWithoutGroundTruthReturnsCandidateFrames() async throws {
        let store = try IndexStore(directory: Self.temporaryFolder())
        try store.add(Self.video("/v/a.mp4", tops: Self.tops))
        let answer = try await IndexQuery.run(store: store, classID: 281, groundTruth: nil)
        #expect(answer.candidates == 1)
        #expect(answer.frames.map(\.sampleIndex) == [0, 1, 2])
    }
}
