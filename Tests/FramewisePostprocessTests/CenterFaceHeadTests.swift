import Foundation
import FramewiseCore
import FramewisePostprocess
import Testing

/// Synthetic CenterFace outputs on an 8x10 grid (model input 40x32 pixels, stride 4).
private struct FaceMaps {
    static let h = 8, w = 10
    var heat = [Float](repeating: 0, count: h * w)
    var scale = [Float](repeating: 0, count: 2 * h * w)   // plane 0: log(height/4), plane 1: log(width/4)
    var offset = [Float](repeating: 0, count: 2 * h * w)  // plane 0: y offset, plane 1: x offset
    var landmarks = [Float](repeating: 0, count: 10 * h * w)

    init(boxHeight: Float, boxWidth: Float) {
        let plane = FaceMaps.h * FaceMaps.w
        for i in 0..<plane {
            scale[i] = log(boxHeight / 4)
            scale[plane + i] = log(boxWidth / 4)
        }
    }

    func index(_ row: Int, _ col: Int) -> Int { row * FaceMaps.w + col }

    var item: ItemOutputs {
        item(withLandmarks: true)
    }

    func item(withLandmarks: Bool) -> ItemOutputs {
        var t: [(name: String, shape: [Int], values: [Float])] = [
            ("heatmap", [1, FaceMaps.h, FaceMaps.w], heat),
            ("scale", [2, FaceMaps.h, FaceMaps.w], scale),
            ("offset", [2, FaceMaps.h, FaceMaps.w], offset),
        ]
        if withLandmarks { t.append(("landmarks", [10, FaceMaps.h, FaceMaps.w], landmarks)) }
        return ItemOutputs(tensors: t)
    }
}

@Suite("CenterFaceHead")
struct CenterFaceHeadTests {
    /// One face at (row 3, col 5): box 12 high, 8 wide, offset (y 0.25, x 0.5), score 0.9.
    /// By hand, in model pixels:
    ///   x1 = (5 + 0.5 + 0.5) * 4 - 8 / 2  = 20,  x2 = 20 + 8  = 28
    ///   y1 = (3 + 0.25 + 0.5) * 4 - 12 / 2 = 9,  y2 = 9 + 12 = 21
    /// Landmark 0 at (x 0.25, y 0.5) of the box: (20 + 0.25 * 8, 9 + 0.5 * 12) = (22, 15).
    private func oneFace() -> FaceMaps {
        var m = FaceMaps(boxHeight: 12, boxWidth: 8)
        let plane = FaceMaps.h * FaceMaps.w
        let i = m.index(3, 5)
        m.heat[i] = 0.9
        m.offset[i] = 0.25
        m.offset[plane + i] = 0.5
        m.landmarks[0 * plane + i] = 0.5   // landmark 0 y
        m.landmarks[1 * plane + i] = 0.25  // landmark 0 x
        m.heat[m.index(6, 1)] = 0.4        // below the threshold: ignored
        m.heat[m.index(0, 9)] = 0.5        // equal to the threshold: ignored (must exceed it)
        return m
    }

    @Test(arguments: [
        // (transform scale, frame box, frame landmark 0)
        // scale 0.5: source = input / 0.5, i.e. the frame is twice the model input (80x64).
        (0.5, [40.0, 18, 56, 42], [44.0, 30]),
        // scale 2: the model input is twice the frame (20x16).
        (2.0, [10.0, 4.5, 14, 10.5], [11.0, 7.5]),
    ])
    func decodesOnePeakIntoFramePixels(_ scale: Double, _ box: [Double], _ landmark: [Double]) throws {
        let transform = ImageTransform(scaleX: scale, scaleY: scale, sourceWidth: 40 / scale, sourceHeight: 32 / scale)
        let head = CenterFaceHead(spec: DetectionSpec(threshold: 0.5, nms: 0.3))
        let result = try head.apply(oneFace().item, transform: transform)
        #expect(result.detections.count == 1)
        let d = try #require(result.detections.first)
        expectBox(d, box[0], box[1], box[2], box[3])
        #expect(approx(d.score, 0.9))
        try #require(d.landmarks.count == 10)
        #expect(approx(d.landmarks[0], landmark[0], tolerance: 1e-3))
        #expect(approx(d.landmarks[1], landmark[1], tolerance: 1e-3))
        #expect(result.json["count"] == .number(1))
    }

    @Test func worksWithoutLandmarks() throws {
        let head = CenterFaceHead(spec: DetectionSpec(threshold: 0.5))
        let result = try head.apply(oneFace().item(withLandmarks: false), transform: identity)
        let d = try #require(result.detections.first)
        expectBox(d, 20, 9, 28, 21)
        #expect(d.landmarks.isEmpty)
    }

    @Test func everyPeakBelowTheThresholdGivesNoBoxes() throws {
        var m = FaceMaps(boxHeight: 12, boxWidth: 8)
        m.heat = m.heat.indices.map { Float($0 % 7) / 20 }  // all < 0.35
        let result = try CenterFaceHead(spec: DetectionSpec(threshold: 0.35)).apply(m.item, transform: identity)
        #expect(result.detections.isEmpty)
        #expect(result.json["count"] == .number(0))
    }

    @Test func neighbouringPeaksOfOneFaceAreMergedByNMS() throws {
        var m = oneFace()
        // A weaker peak one cell right with zero offset: box x 22...30, y 8...20 (IoU 66/126 with the first).
        m.heat[m.index(3, 6)] = 0.8
        // A separate face far away: (row 6, col 8), no offset: x (8.5*4 - 4) = 30...38, y (6.5*4 - 6) = 20...32.
        m.heat[m.index(6, 8)] = 0.7
        let result = try CenterFaceHead(spec: DetectionSpec(threshold: 0.5, nms: 0.3)).apply(m.item, transform: identity)
        #expect(result.detections.map(\.score) == [0.9, 0.7])
        try #require(result.detections.count == 2)
        expectBox(result.detections[0], 20, 9, 28, 21)
        expectBox(result.detections[1], 30, 20, 38, 32)
    }

    @Test func boxesAreClampedToTheModelInput() throws {
        var m = FaceMaps(boxHeight: 40, boxWidth: 40)
        m.heat[m.index(0, 0)] = 0.99
        // Centre (2, 2), half-size 20: the true box is -18...22 on both axes; the input is 40x32.
        // The corners must be clamped into the input and still cover the visible part 0...22.
        let result = try CenterFaceHead(spec: DetectionSpec(threshold: 0.5)).apply(m.item(withLandmarks: false), transform: identity)
        let d = try #require(result.detections.first)
        #expect(d.x1 == 0 && d.y1 == 0)
        #expect(d.x2 >= 22 && d.x2 <= 40)
        #expect(d.y2 >= 22 && d.y2 <= 32)
    }

    @Test func wrongOutputsThrow() {
        let head = CenterFaceHead(spec: DetectionSpec())
        #expect(throws: PostprocessError.self) {
            try head.apply(item(("heatmap", [1, 2, 2], [0, 0, 0, 0])), transform: identity)
        }
        #expect(throws: PostprocessError.self) {
            try head.apply(item(("heatmap", [1, 2, 2], [Float](repeating: 0, count: 4)),
                                ("scale", [2, 2, 2], [Float](repeating: 0, count: 8)),
                                ("offset", [2, 3, 3], [Float](repeating: 0, count: 18))), transform: identity)
        }
    }
}
