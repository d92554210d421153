import Foundation
import Testing
@testable import FramewiseIndex

@Suite struct TopKTests {
    @Test func topKIsSortedSoftmaxOfTheHighestLogits() {
        let top = TopK.select([0, 3, 1, 3, -2], k: 3, softmax: true)
        #expect(top.map(\.classID) == [1, 3, 2])
        let sum = [0, 3, 1, 3, -2].map { expf(Float($0)) }.reduce(0, +)
        #expect(abs(top[0].score - expf(3) / sum) < 1e-6)
        #expect(TopK.select([0.2, 0.5, 0.3], k: 10, softmax: false).map(\.classID) == [1, 2, 0])
    }

    @Test func classNamesResolveByIdLabelOrSynonym() {
        let labels = ["tench, Tinca tinca", "tabby, tabby cat", "Egyptian cat", "espresso"]
        #expect(ClassResolver.resolve("2", labels: labels) == 2)
        #expect(ClassResolver.resolve("Egyptian cat", labels: labels) == 2)
        #expect(ClassResolver.resolve("tabby cat", labels: labels) == 1)
        #expect(ClassResolver.resolve("ESPRESSO", labels: labels) == 3)
        #expect(ClassResolver.resolve("bus", labels: labels) == nil)
        #expect(ClassResolver.resolve("7", labels: labels) == nil)
    }
}
