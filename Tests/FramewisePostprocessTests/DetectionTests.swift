import Foundation
import FramewiseCore
import FramewisePostprocess
import Testing

@Suite("Detection and NMS")
struct DetectionTests {
    @Test(arguments: [
        // (box a, box b, hand-computed IoU)
        ([0.0, 0, 4, 4], [2.0, 2, 6, 6], 4.0 / 28.0),  // inter 2x2, union 16+16-4
        ([0.0, 0, 10, 10], [0.0, 0, 10, 10], 1.0),
        ([0.0, 0, 10, 10], [0.0, 0, 5, 5], 25.0 / 100.0),
        ([0.0, 0, 10, 10], [10.0, 0, 20, 10], 0.0),  // touching edges
        ([0.0, 0, 1, 1], [5.0, 5, 6, 6], 0.0),
        ([0.0, 0, 10, 10], [5.0, 0, 15, 10], 50.0 / 150.0),
    ])
    func iou(_ a: [Double], _ b: [Double], _ expected: Double) {
        let da = Detection(x1: a[0], y1: a[1], x2: a[2], y2: a[3], score: 1)
        let db = Detection(x1: b[0], y1: b[1], x2: b[2], y2: b[3], score: 1)
        #expect(approx(da.iou(db), expected, tolerance: 1e-12))
        #expect(approx(db.iou(da), expected, tolerance: 1e-12))
    }

    @Test func degenerateBoxesHaveNoArea() {
        let flat = Detection(x1: 5, y1: 5, x2: 5, y2: 9, score: 1)
        #expect(flat.area == 0)
        #expect(flat.iou(flat) == 0)
        let inverted = Detection(x1: 9, y1: 9, x2: 1, y2: 1, score: 1)
        #expect(inverted.area == 0)
        #expect(Detection(x1: 1, y1: 2, x2: 4, y2: 8, score: 1).area == 18)
    }

    @Test func overlappingSameLabelBoxesAreSuppressed() {
        let a = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.9, label: "face")
        let b = Detection(x1: 1, y1: 1, x2: 11, y2: 11, score: 0.8, label: "face")  // IoU 81/119
        let c = Detection(x1: 50, y1: 50, x2: 60, y2: 60, score: 0.7, label: "face")
        let kept = nonMaximumSuppression([b, c, a], threshold: 0.5, limit: 10)
        #expect(kept == [a, c])
        // Same two with a threshold above their IoU are both kept.
        #expect(nonMaximumSuppression([b, a], threshold: 0.7, limit: 10) == [a, b])
    }

    @Test func differentLabelsAreKept() {
        let a = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.9, label: "person")
        let b = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.8, label: "car")
        let c = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.7, label: "car")
        #expect(nonMaximumSuppression([c, b, a], threshold: 0.3, limit: 10) == [a, b])
    }

    @Test func unlabelledBoxesSuppressEachOther() {
        let a = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.6)
        let b = Detection(x1: 0, y1: 0, x2: 10, y2: 9, score: 0.95)
        #expect(nonMaximumSuppression([a, b], threshold: 0.5, limit: 10) == [b])
    }

    @Test func iouEqualToTheThresholdIsKept() {
        let a = Detection(x1: 0, y1: 0, x2: 10, y2: 10, score: 0.9)
        let b = Detection(x1: 0, y1: 0, x2: 10, y2: 5, score: 0.8)  // IoU exactly 0.5
        #expect(nonMaximumSuppression([a, b], threshold: 0.5, limit: 10).count == 2)
        #expect(nonMaximumSuppression([a, b], threshold: 0.49, limit: 10).count == 1)
    }

    @Test(arguments: [0, 1, 3, 5, 9])
    func limitIsRespected(_ limit: Int) {
        // Five disjoint boxes with distinct scores.
        var boxes: [Detection] = []
        for i in 0..<5 {
            let x = Double(20 * i)
            let score = Float(i + 1) / 10
            boxes.append(Detection(x1: x, y1: 0, x2: x + 10, y2: 10, score: score))
        }
        let kept = nonMaximumSuppression(boxes, threshold: 0.5, limit: limit)
        #expect(kept.count == min(limit, 5))
        let expectedScores: [Float] = [0.5, 0.4, 0.3, 0.2, 0.1]
        let keptScores: [Float] = kept.map { $0.score }
        #expect(keptScores == Array(expectedScores.prefix(limit)))
    }

    @Test func jsonRoundsCoordinates() {
        let d = Detection(x1: 1.04, y1: 2.06, x2: 10.25, y2: 20, score: 0.5, label: "cat", landmarks: [3.33, 4.44])
        // 10.25 -> 102.5 tenths, rounded half away from zero -> 10.3.
        #expect(d.json["box"] == .array([.number(1), .number(2.1), .number(10.3), .number(20)]))
        #expect(d.json["label"] == .string("cat"))
        #expect(d.json["score"] == .number(0.5))
        #expect(d.json["landmarks"] == .array([.number(3.3), .number(4.4)]))
        #expect(Detection(x1: 0, y1: 0, x2: 1, y2: 1, score: 1).json["label"] == nil)
    }
}
