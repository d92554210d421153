import Foundation
import FramewiseCore
import FramewisePostprocess
import Testing

@Suite("softmax and ClassifyHead")
struct ClassifyTests {
    @Test(arguments: [
        [Float(1), 2, 3],
        [0, 0, 0, 0],
        [-5, 10, 0.5, 3, -1],
        [42],
    ])
    func softmaxSumsToOneAndKeepsOrder(_ logits: [Float]) {
        let p = softmax(logits)
        #expect(p.count == logits.count)
        #expect(approx(p.reduce(0, +), 1, tolerance: 1e-5))
        #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        for i in logits.indices { for j in logits.indices where logits[i] > logits[j] { #expect(p[i] > p[j]) } }
    }

    @Test func softmaxMatchesTheDefinition() {
        let logits: [Float] = [1, 3, 2, 0.5]
        let e = logits.map { exp(Double($0)) }
        let sum = e.reduce(0, +)
        let p = softmax(logits)
        for i in logits.indices { #expect(approx(Double(p[i]), e[i] / sum, tolerance: 1e-6)) }
    }

    @Test func softmaxIsStableForLargeLogits() {
        let equal = softmax([1000, 1000, 1000, 1000])
        #expect(equal.allSatisfy { $0.isFinite && approx($0, 0.25) })
        let extreme = softmax([1000, -1000])
        #expect(extreme.allSatisfy { $0.isFinite })
        #expect(approx(extreme[0], 1) && approx(extreme[1], 0))
        let shifted = softmax([10_001, 10_000])
        // e^1 / (e^1 + 1)
        #expect(approx(Double(shifted[0]), exp(1) / (exp(1) + 1), tolerance: 1e-5))
        let negative = softmax([-10_000, -10_001])
        #expect(approx(Double(negative[0]), exp(1) / (exp(1) + 1), tolerance: 1e-5))
        #expect(softmax([]).isEmpty)
    }

    private func topEntries(_ json: JSONValue) -> [(String, Double)] {
        guard case let .array(items)? = json["top"] else { return [] }
        return items.compactMap { e in
            guard case let .string(l)? = e["label"], let s = e["score"]?.number else { return nil }
            return (l, s)
        }
    }

    @Test func topKOrderAndLabelsWithoutSoftmax() throws {
        let head = ClassifyHead(spec: ClassifySpec(labels: ["a", "b", "c", "d"], topK: 2, softmax: false))
        let result = try head.apply(item(("logits", [4], [1, 3, 2, 0.5])))
        let top = topEntries(result.json)
        #expect(top.map(\.0) == ["b", "c"])
        #expect(top.map(\.1) == [3, 2], "without softmax the raw values are the scores")
        #expect(result.topLabel?.label == "b")
        #expect(result.topLabel?.score == 3)
        // Every score by label (labels given, few classes).
        #expect(result.json.values(at: "scores.a") == [.number(1)])
        #expect(result.json.values(at: "scores.d") == [.number(0.5)])
        #expect(result.detections.isEmpty)
    }

    @Test func softmaxFlagTurnsLogitsIntoProbabilities() throws {
        let logits: [Float] = [1, 3, 2, 0.5]
        let head = ClassifyHead(spec: ClassifySpec(labels: ["a", "b", "c", "d"], topK: 3, softmax: true))
        let result = try head.apply(item(("logits", [4], logits)))
        let e = logits.map { exp(Double($0)) }
        let sum = e.reduce(0, +)
        let top = topEntries(result.json)
        #expect(top.map(\.0) == ["b", "c", "a"])
        #expect(zip(top.map(\.1), [e[1], e[2], e[0]].map { $0 / sum }).allSatisfy { approx($0, $1, tolerance: 1e-5) })
        let best = try #require(result.topLabel)
        #expect(best.label == "b")
        #expect(approx(Double(best.score), e[1] / sum, tolerance: 1e-5))
    }

    @Test func missingLabelsFallBackToIndices() throws {
        let head = ClassifyHead(spec: ClassifySpec(labels: ["zero"], topK: 10))
        let result = try head.apply(item(("out", [3], [0.1, 0.7, 0.2])))
        #expect(topEntries(result.json).map(\.0) == ["1", "2", "zero"], "top_k larger than the classes keeps them all")
        #expect(result.topLabel?.label == "1")
    }

    @Test func readsTheNamedOutput() throws {
        let head = ClassifyHead(spec: ClassifySpec(labels: ["x", "y"], topK: 1, output: "probs"))
        let result = try head.apply(item(("features", [2], [9, -9]), ("probs", [2], [0.2, 0.8])))
        #expect(result.topLabel?.label == "y")
        #expect(result.topLabel.map { approx($0.score, 0.8) } == true)
    }

    @Test func missingOrEmptyOutputThrows() {
        let named = ClassifyHead(spec: ClassifySpec(output: "nope"))
        #expect(throws: PostprocessError.self) { try named.apply(item(("probs", [2], [0.2, 0.8]))) }
        let first = ClassifyHead(spec: ClassifySpec())
        #expect(throws: PostprocessError.self) { try first.apply(item(("probs", [0], []))) }
        #expect(throws: PostprocessError.self) { try first.apply(ItemOutputs(tensors: [])) }
    }

    @Test func headEnumDispatchesWithoutATransform() throws {
        let head = try Head(spec: .classify(ClassifySpec(labels: ["0", "180"], topK: 1)), metadata: [:])
        let result = try head.apply(item(("o", [2], [0.3, 0.7])), transform: nil)
        #expect(result.topLabel?.label == "180")
    }

    @Test func rawHeadWritesValuesOrShape() {
        let head = RawHead(spec: RawSpec(outputs: [], maxValues: 3))
        let result = head.apply(item(("small", [3], [1, 2.5, -1]), ("big", [2, 2], [1, 2, 3, 4])))
        #expect(result.json.jsonText == #"{"small":[1,2.5,-1],"big":{"shape":[2,2]}}"#)
        let only = RawHead(spec: RawSpec(outputs: ["big"], maxValues: 10)).apply(item(("small", [1], [1]), ("big", [2], [7, 8])))
        #expect(only.json.jsonText == #"{"big":[7,8]}"#)
    }
}
