import FramewiseCore
import FramewisePostprocess
import Testing

/// A [4 + classes, N] output from per-candidate (cx, cy, w, h, scores...) columns.
private func yoloOutput(_ candidates: [[Float]]) -> ItemOutputs {
    let rows = candidates[0].count, n = candidates.count
    var values = [Float](repeating: 0, count: rows * n)
    for (j, c) in candidates.enumerated() { for r in 0..<rows { values[r * n + j] = c[r] } }
    return ItemOutputs(tensors: [(name: "output0", shape: [rows, n], values: values)])
}

@Suite("YOLOHead")
struct YOLOHeadTests {
    private let candidates: [[Float]] = [
        [50, 40, 20, 10, 0.9, 0.1],    // person (40, 35)-(60, 45)
        [100, 80, 40, 20, 0.2, 0.7],   // car (80, 70)-(120, 90)
        [10, 10, 4, 4, 0.1, 0.2],      // below threshold
        [52, 40, 20, 10, 0.6, 0.05],   // person overlapping the first: IoU 180/220, suppressed
        [52, 40, 20, 10, 0.05, 0.3],   // car at the same place: another label, kept
    ]

    @Test func decodesBoxesWithLabelsAndThreshold() throws {
        let head = YOLOHead(spec: DetectionSpec(threshold: 0.25, nms: 0.45, labels: ["person", "car"]))
        let result = try head.apply(yoloOutput(candidates), transform: identity)
        #expect(result.detections.map(\.label) == ["person", "car", "car"])
        #expect(result.detections.map(\.score) == [0.9, 0.7, 0.3])
        try #require(result.detections.count == 3)
        expectBox(result.detections[0], 40, 35, 60, 45)
        expectBox(result.detections[1], 80, 70, 120, 90)
        expectBox(result.detections[2], 42, 35, 62, 45)
        #expect(result.json["count"] == .number(3))
        #expect(result.json.values(at: "boxes.label") == [.string("person"), .string("car"), .string("car")])
    }

    @Test func higherThresholdDropsWeakBoxes() throws {
        let head = YOLOHead(spec: DetectionSpec(threshold: 0.65, nms: 0.45, labels: ["person", "car"]))
        let result = try head.apply(yoloOutput(candidates), transform: identity)
        #expect(result.detections.map(\.label) == ["person", "car"])
    }

    @Test func unnamedClassesUseTheirIndexAndBoxesMapToTheFrame() throws {
        let head = YOLOHead(spec: DetectionSpec(threshold: 0.25, nms: 0.45, labels: []))
        // Letterboxed input: frame scaled by 0.5, padded 10 px on top.
        let transform = ImageTransform(scaleX: 0.5, scaleY: 0.5, offsetX: 0, offsetY: 10, sourceWidth: 1000, sourceHeight: 1000)
        let result = try head.apply(yoloOutput([[100, 80, 40, 20, 0.2, 0.7]]), transform: transform)
        let d = try #require(result.detections.first)
        #expect(d.label == "1")
        // (80 - 0) / 0.5 = 160, (70 - 10) / 0.5 = 120, (120 - 0) / 0.5 = 240, (90 - 10) / 0.5 = 160
        expectBox(d, 160, 120, 240, 160)
    }

    @Test func maxBoxesLimits() throws {
        let head = YOLOHead(spec: DetectionSpec(threshold: 0.25, nms: 0.45, labels: ["person", "car"], maxBoxes: 1))
        let result = try head.apply(yoloOutput(candidates), transform: identity)
        #expect(result.detections.count == 1)
        #expect(result.detections.first?.score == 0.9)
    }

    @Test func wrongShapeThrows() {
        let head = YOLOHead(spec: DetectionSpec())
        #expect(throws: PostprocessError.self) { try head.apply(item(("o", [4, 2], [Float](repeating: 0, count: 8))), transform: identity) }
        #expect(throws: PostprocessError.self) { try head.apply(item(("o", [6], [Float](repeating: 0, count: 6))), transform: identity) }
    }
}
