import FramewiseCore
import Testing
@testable import FramewiseIndex

@Suite struct ClusteringTests {
    /// Three well-separated directions in 16-d, 20 noisy frames each, interleaved in runs of 5
    /// (A A A A A B B B B B C ... A ...): the clusterer must recover exactly the three groups.
    @Test func recoversKnownClusters() {
        var rng = SplitMix64(seed: 7)  // seeded: the same synthetic clusters on every run
        let centres: [[Float]] = (0..<3).map { c in (0..<16).map { $0 / 5 == c ? 1 : 0 } }
        var truth: [Int] = []
        var clusterer = IncrementalClusterer(configuration: ClusteringConfiguration(threshold: 0.5, maxSize: 1000, maxSpan: 1000))
        for i in 0..<60 {
            let c = (i / 5) % 3
            truth.append(c)
            let noisy = centres[c].map { $0 + Float.random(in: -0.05...0.05, using: &rng) }
            clusterer.add(id: i, time: Double(i) / 10, feature: FeatureVector.normalized(noisy))
        }
        let clusters = clusterer.finish()
        #expect(clusters.count == 3)
        for cluster in clusters {
            #expect(cluster.members.count == 20)
            #expect(Set(cluster.members.map { truth[$0] }).count == 1)
            #expect(cluster.members.contains(cluster.centroid))
        }
        #expect(clusters.map(\.members.first) == [0, 5, 10])
    }

    @Test func zeroThresholdMakesEveryFrameItsOwnCluster() {
        var clusterer = IncrementalClusterer(configuration: ClusteringConfiguration(threshold: 0))
        for i in 0..<10 { clusterer.add(id: i, time: Double(i), feature: [1, 0]) }
        let clusters = clusterer.finish()
        #expect(clusters.map(\.members) == (0..<10).map { [$0] })
        #expect(clusters.map(\.centroid) == Array(0..<10))
    }

    @Test func sizeAndSpanCapsCloseClusters() {
        var bySize = IncrementalClusterer(configuration: ClusteringConfiguration(threshold: 1, maxSize: 4, maxSpan: 1000))
        for i in 0..<10 { bySize.add(id: i, time: Double(i), feature: [1, 0]) }
        #expect(bySize.finish().map(\.members) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])

        var bySpan = IncrementalClusterer(configuration: ClusteringConfiguration(threshold: 1, maxSize: 1000, maxSpan: 2.5))
        for i in 0..<10 { bySpan.add(id: i, time: Double(i), feature: [1, 0]) }
        let spans = bySpan.finish()
        #expect(spans.map(\.members) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        #expect(spans.allSatisfy { $0.endTime - $0.startTime <= 2.5 })
    }

    /// The centroid is the member nearest the mean, not the first or a synthetic point.
    @Test func centroidIsTheMemberNearestTheMean() {
        var clusterer = IncrementalClusterer(configuration: ClusteringConfiguration(threshold: 1.5, maxSize: 100, maxSpan: 100))
        let points: [[Float]] = [[1, 0], [0.8, 0.6], [0.6, 0.8]]
        for (i, p) in points.enumerated() { clusterer.add(id: i, time: Double(i), feature: p) }
        let clusters = clusterer.finish()
        #expect(clusters.count == 1)
        #expect(clusters.first?.centroid == 1)
    }

    @Test func float16BlobsRoundTrip() {
        let v: [Float] = [0, 1, -1, 0.333, 65504, 1e-3]
        let back = FeatureVector.fromFloat16Blob(FeatureVector.float16Blob(v))
        #expect(FeatureVector.float16Blob(v).count == v.count * 2)
        #expect(back.count == v.count)
        for (a, b) in zip(v, back) { #expect(abs(a - b) <= max(1e-3, abs(a) * 1e-3)) }
    }
}
