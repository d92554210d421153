import Testing
@testable import FramewiseIndex

@Suite struct IndexEvaluationTests {
    /// Six frames of one video: 0-2 look alike (feature a), 3-5 look alike (feature b). GT: 0-2 are
    /// class 1, 3-4 class 2, 5 class 3. The cheap model ranks class 1 second on frame 1 only.
    static let frames: [EvaluationFrame] = {
        let a: [Float] = [1, 0], b: [Float] = [0, 1]
        let tops: [[Int]] = [[1, 9], [9, 1], [1, 9], [2, 3], [2, 3], [3, 2]]
        let gts = [1, 1, 1, 2, 2, 3]
        return (0..<6).map { i in
            EvaluationFrame(video: "v", time: Double(i), topK: tops[i].map { ClassScore(classID: $0, score: 0.5) },
                            feature: i < 3 ? a : b, groundTruth: gts[i])
        }
    }()

    @Test func strictThresholdAndFullKGiveExactAnswers() {
        let points = IndexEvaluation.evaluate(frames: Self.frames, ks: [2], thresholds: [0], classes: [1, 2, 3], labels: [], clustering: ClusteringConfiguration())
        #expect(points.count == 1)
        #expect(points[0].clusters == 6)
        #expect(points[0].classes.map(\.recall) == [1, 1, 1])
        #expect(points[0].classes.map(\.precision) == [1, 1, 1])
        // Class 2 is in the top-2 of frames 3, 4, 5: three centroids run out of six frames.
        #expect(points[0].classes[1].queryCost == 0.5)
    }

    @Test func clusteringTradesPrecisionAndKTradesRecall() {
        let points = IndexEvaluation.evaluate(frames: Self.frames, ks: [1, 2], thresholds: [0, 0.5], classes: [1, 2], labels: ["x", "one", "two"],
                                              clustering: ClusteringConfiguration())
        let strictK1 = points.first { $0.threshold == 0 && $0.k == 1 }
        // K=1, every frame its own cluster: frame 1 (GT 1, cheap top-1 is 9) is missed.
        #expect(strictK1?.classes[0].recall == 2.0 / 3.0)
        let clusteredK1 = points.first { $0.threshold == 0.5 && $0.k == 1 }
        // Clustered: frames 0-2 form one cluster whose centroid is GT 1, so frame 1 comes back; frames 3-5
        // form one whose centroid (frame 3: identical features, the first is nearest) is GT 2, so frame 5 is a false positive.
        #expect(clusteredK1?.clusters == 2)
        #expect(clusteredK1?.classes[0].recall == 1)
        #expect(clusteredK1?.classes[1].precision == 2.0 / 3.0)
        #expect(clusteredK1?.classes[0].label == "one")
        let chosen = IndexEvaluation.cheapest(points, recallTarget: 0.95)
        #expect(chosen?.threshold == 0.5)
        #expect(chosen?.k == 1)
        #expect(IndexEvaluation.frequentClasses(Self.frames, minFrames: 2) == [1, 2])
        // A query on an index made at T=0 with K=2 kept: only K=2 reaches the target there; at T=0.5, K=1 does.
        #expect(IndexEvaluation.queryK(points, threshold: 0, maxK: 2, recallTarget: 0.95) == 2)
        #expect(IndexEvaluation.queryK(points, threshold: 0, maxK: 1, recallTarget: 0.95) == nil)
        #expect(IndexEvaluation.queryK(points, threshold: 0.5, maxK: 2, recallTarget: 0.95) == 1)
    }
}
