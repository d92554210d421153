import FramewiseCore
import FramewisePostprocess
import Testing

/// A [T, C] sequence whose argmax at step t is `classes[t]` with probability `best[t]`,
/// the rest shared equally by the other classes.
private func sequence(_ classes: [Int], best: [Float], classCount: Int) -> ItemOutputs {
    var values: [Float] = []
    for (t, k) in classes.enumerated() {
        let rest = (1 - best[t]) / Float(classCount - 1)
        for c in 0..<classCount { values.append(c == k ? best[t] : rest) }
    }
    return ItemOutputs(tensors: [(name: "softmax", shape: [classes.count, classCount], values: values)])
}

@Suite("CTCHead")
struct CTCHeadTests {
    @Test func greedyDecodingMergesRepeatsAndDropsBlanks() throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["A", "B", "C"], appendSpace: false), metadata: [:])
        let classes = [1, 1, 0, 1, 2, 2, 0, 0, 3]
        let best: [Float] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.95, 0.85, 0.75, 0.65]
        let result = try head.apply(sequence(classes, best: best, classCount: 4))
        // A (t0), repeat (t1) merged, blank, A (t3) again after the blank, B (t4), repeat (t5), blanks, C (t8).
        #expect(result.json["text"] == .string("AABC"))
        // Score: mean of the kept steps t0, t3, t4, t8.
        let score = try #require(result.json["score"]?.number)
        #expect(approx(score, (0.9 + 0.6 + 0.5 + 0.65) / 4, tolerance: 1e-5))
    }

    @Test(arguments: [
        ([0, 0, 0], ""),
        ([2], "B"),
        ([3, 3, 3, 3], "C"),
        ([1, 2, 1, 2], "ABAB"),
        ([0, 1, 0, 1, 0, 1], "AAA"),
        ([4, 1, 4, 4, 2], " A B"),
    ])
    func decodes(_ classes: [Int], _ text: String) throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["A", "B", "C"], appendSpace: true), metadata: [:])
        #expect(head.characters == ["A", "B", "C", " "])
        let result = try head.apply(sequence(classes, best: classes.map { _ in 0.9 }, classCount: 5))
        #expect(result.json["text"] == .string(text))
    }

    /// PaddleOCR's drop_score: a line below the minimum reads as no text, its score kept.
    @Test func aLineBelowTheMinimumScoreReadsAsNoText() throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["A", "B"], appendSpace: false, minScore: 0.5), metadata: [:])
        let low = try head.apply(sequence([1, 0, 2], best: [0.4, 0.9, 0.5], classCount: 3))
        #expect(low.json["text"] == .string(""))
        #expect(approx(try #require(low.json["score"]?.number), 0.45, tolerance: 1e-5))
        let kept = try head.apply(sequence([1, 0, 2], best: [0.5, 0.9, 0.6], classCount: 3))
        #expect(kept.json["text"] == .string("AB"))
    }

    @Test func emptyTextScoresZero() throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["A"]), metadata: [:])
        let result = try head.apply(sequence([0, 0], best: [0.9, 0.9], classCount: 3))
        #expect(result.json["text"] == .string(""))
        #expect(result.json["score"] == .number(0))
    }

    @Test func charactersComeFromMetadataSplitOnNewlines() throws {
        let head = try CTCHead(spec: CTCSpec(metadataKey: "character", appendSpace: true),
                               metadata: ["character": "A\nB\nC\n", "other": "x"])
        #expect(head.characters == ["A", "B", "C", " "], "trailing newline dropped, space appended as the last class")
        let result = try head.apply(sequence([1, 4, 0, 2, 3], best: [0.9, 0.9, 0.9, 0.9, 0.9], classCount: 5))
        #expect(result.json["text"] == .string("A BC"))
    }

    @Test func customMetadataKeyWithoutAppendedSpace() throws {
        let head = try CTCHead(spec: CTCSpec(metadataKey: "vocab", appendSpace: false), metadata: ["vocab": "x\ny\n\nz"])
        // An empty line in the middle is still a class (a character list must keep its indices).
        #expect(head.characters == ["x", "y", "", "z"])
    }

    @Test func givenCharactersWinOverMetadata() throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["0", "1"], appendSpace: false), metadata: ["character": "A\nB"])
        #expect(head.characters == ["0", "1"])
    }

    @Test func missingMetadataThrows() {
        #expect(throws: PostprocessError.self) {
            try CTCHead(spec: CTCSpec(metadataKey: "character"), metadata: ["chars": "A\nB"])
        }
        #expect(throws: PostprocessError.self) {
            try Head(spec: .ctc(CTCSpec()), metadata: [:])
        }
    }

    @Test func nonZeroBlankIndex() throws {
        // Blank is the last class (3); classes 0...2 are the characters directly.
        let head = try CTCHead(spec: CTCSpec(characters: ["a", "b", "c"], blank: 3, appendSpace: false), metadata: [:])
        let result = try head.apply(sequence([0, 3, 0, 2, 2, 1], best: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9], classCount: 4))
        #expect(result.json["text"] == .string("aacb"))
    }

    @Test func wrongShapeThrows() throws {
        let head = try CTCHead(spec: CTCSpec(characters: ["A"]), metadata: [:])
        #expect(throws: PostprocessError.self) { try head.apply(item(("seq", [4], [0, 0, 0, 0]))) }
    }
}
