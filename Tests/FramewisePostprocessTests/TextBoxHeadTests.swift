import FramewiseCore
import FramewisePostprocess
import Testing

/// A probability map with rectangles of constant probability.
private struct ProbMap {
    let h: Int, w: Int
    var values: [Float]
    init(h: Int, w: Int) {
        self.h = h
        self.w = w
        values = [Float](repeating: 0.05, count: h * w)
    }
    /// Fills rows `rows`, columns `cols` with `p`.
    mutating func fill(rows: ClosedRange<Int>, cols: ClosedRange<Int>, _ p: Float) {
        for r in rows { for c in cols { values[r * w + c] = p } }
    }
    var item: ItemOutputs { ItemOutputs(tensors: [(name: "maps", shape: [1, h, w], values: values)]) }
}

/// DB unclip distance, by the formula: area * ratio / perimeter.
private func unclip(w: Double, h: Double, ratio: Double) -> Double { w * h * ratio / (2 * (w + h)) }

@Suite("TextBoxHead")
struct TextBoxHeadTests {
    @Test func twoRegionsBecomeTwoGrownBoxesTopToBottom() throws {
        var map = ProbMap(h: 40, w: 60)
        map.fill(rows: 5...8, cols: 30...49, 0.9)    // A: 20 wide, 4 high, at the top right
        map.fill(rows: 25...30, cols: 2...11, 0.8)   // B: 10 wide, 6 high, lower left
        map.fill(rows: 15...19, cols: 20...29, 0.4)  // above threshold 0.3, mean 0.4 < box threshold 0.5
        map.fill(rows: 35...36, cols: 50...51, 0.95) // 2x2: smaller than min_size 3
        let spec = TextBoxSpec(threshold: 0.3, boxThreshold: 0.5, unclip: 1.6, minSize: 3, maxBoxes: 10)
        // Frame twice the model input: source = input / 0.5.
        let transform = ImageTransform(scaleX: 0.5, scaleY: 0.5, sourceWidth: 120, sourceHeight: 80)
        let result = try TextBoxHead(spec: spec).apply(map.item, transform: transform)

        try #require(result.detections.count == 2)
        #expect(result.json["count"] == .number(2))
        let a = result.detections[0], b = result.detections[1]
        // A: d = 20*4*1.6 / 48 = 2.6667; pixel box [30, 50) x [5, 9) grown by d, doubled.
        let dA = unclip(w: 20, h: 4, ratio: 1.6)
        #expect(approx(dA, 8.0 / 3.0))
        expectBox(a, (30 - dA) * 2, (5 - dA) * 2, (50 + dA) * 2, (9 + dA) * 2)
        #expect(approx(a.score, 0.9))
        // B: d = 10*6*1.6 / 32 = 3; x1 = 2 - 3 < 0 is clamped to the frame's 0.
        let dB = unclip(w: 10, h: 6, ratio: 1.6)
        #expect(approx(dB, 3))
        expectBox(b, 0, (25 - 3) * 2, (12 + 3) * 2, (31 + 3) * 2)
        #expect(approx(b.score, 0.8))
        #expect(a.y1 < b.y1)
    }

    @Test func boxesOnOneLineComeLeftToRight() throws {
        var map = ProbMap(h: 30, w: 60)
        map.fill(rows: 10...14, cols: 40...49, 0.9)  // right word, starts a row higher: found first
        map.fill(rows: 11...15, cols: 5...14, 0.9)   // left word
        let result = try TextBoxHead(spec: TextBoxSpec()).apply(map.item, transform: identity)
        #expect(result.detections.count == 2)
        #expect(result.detections.map(\.x1) == result.detections.map(\.x1).sorted())
        #expect(result.detections.first.map { $0.x1 < 10 } == true)
    }

    @Test func maxBoxesLimitsTheResult() throws {
        var map = ProbMap(h: 50, w: 20)
        for k in 0..<4 { map.fill(rows: (k * 12)...(k * 12 + 4), cols: 2...15, 0.9) }
        let all = try TextBoxHead(spec: TextBoxSpec(maxBoxes: 10)).apply(map.item, transform: identity)
        #expect(all.detections.count == 4)
        let two = try TextBoxHead(spec: TextBoxSpec(maxBoxes: 2)).apply(map.item, transform: identity)
        #expect(two.detections.count == 2)
        #expect(two.detections == Array(all.detections.prefix(2)))
    }

    @Test func regionsThatTouchOnlyDiagonallyStaySeparate() throws {
        var map = ProbMap(h: 20, w: 20)
        map.fill(rows: 2...6, cols: 2...6, 0.9)
        map.fill(rows: 7...11, cols: 7...11, 0.9)  // corner to corner with the first: 4-connectivity splits them
        let result = try TextBoxHead(spec: TextBoxSpec(unclip: 0)).apply(map.item, transform: identity)
        try #require(result.detections.count == 2)
        expectBox(result.detections[0], 2, 2, 7, 7)
        expectBox(result.detections[1], 7, 7, 12, 12)
    }

    @Test func emptyMapGivesNoBoxesAndBadShapeThrows() throws {
        let result = try TextBoxHead(spec: TextBoxSpec()).apply(ProbMap(h: 10, w: 10).item, transform: identity)
        #expect(result.detections.isEmpty)
        #expect(throws: PostprocessError.self) {
            try TextBoxHead(spec: TextBoxSpec()).apply(item(("maps", [5], [0, 0, 0, 0, 0])), transform: identity)
        }
        #expect(throws: PostprocessError.self) {
            try TextBoxHead(spec: TextBoxSpec()).apply(item(("maps", [1, 4, 4], [0, 0, 0])), transform: identity)
        }
    }
}

@Suite struct ReadingOrderTests {
    @Test func boxesOnOneSlightlySlantedLineComeLeftToRight() {
        // Tops differ by a few pixels along one line; a second line lies well below.
        let boxes = [
            Detection(x1: 200, y1: 14, x2: 260, y2: 40, score: 1),
            Detection(x1: 10, y1: 10, x2: 80, y2: 36, score: 1),
            Detection(x1: 100, y1: 18, x2: 180, y2: 44, score: 1),
            Detection(x1: 5, y1: 100, x2: 50, y2: 126, score: 1),
        ]
        let ordered = TextBoxHead.readingOrder(boxes).map(\.x1)
        #expect(ordered == [10, 100, 200, 5])
        #expect(TextBoxHead.readingOrder(boxes.reversed()).map(\.x1) == ordered, "independent of the input order")
    }
}
