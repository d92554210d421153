import FramewiseCore
import FramewiseOptimize
import FramewisePostprocess
import Testing

/// The tuner's accuracy metrics against cases worked out by hand.
@Suite struct AccuracyMetricsTests {
    static func box(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ label: String? = nil) -> Detection {
        Detection(x1: x1, y1: y1, x2: x2, y2: y2, score: 0.9, label: label)
    }

    @Test func detectionF1AtIoUHalfAndCounts() {
        let a = Self.box(0, 0, 10, 10), b = Self.box(20, 20, 30, 30)
        // IoU of a with (1, 0, 11, 10): 90 / 110 = 0.82, matched; (50, 50, 60, 60) matches nothing: F1 = 2 x 1 / 4.
        let frame1 = ([a, b], [Self.box(1, 0, 11, 10), Self.box(50, 50, 60, 60)])
        let frame2: ([Detection], [Detection]) = ([], [])  // both empty: F1 1, counts equal
        let frame3: ([Detection], [Detection]) = ([a], [])  // missed: F1 0, counts differ
        let m = OutputAgreement.detection([frame1, frame2, frame3])
        #expect(abs(m.f1 - 0.5) < 1e-12)
        #expect(abs(m.countAgreement - 2.0 / 3) < 1e-12)
        // IoU 60 / 140 = 0.43 is below 0.5; a different label never matches.
        #expect(VariantAccuracy.f1([a], [Self.box(4, 0, 14, 10)]) == 0)
        #expect(VariantAccuracy.f1([Self.box(0, 0, 10, 10, "car")], [Self.box(0, 0, 10, 10, "bus")]) == 0)
        // Greedy by IoU: the better pair is matched first, the other box is left over.
        #expect(abs(VariantAccuracy.f1([a], [Self.box(0, 0, 10, 9), Self.box(0, 0, 10, 10)]) - 2.0 / 3) < 1e-12)
    }

    @Test func detectionsAreReadBackFromTheHeadsJSON() {
        let json = JSONValue.object(["count": .number(2), "boxes": .array([Self.box(0, 0, 10, 10).json, Self.box(20, 20, 30, 30, "car").json])])
        let boxes = OutputAgreement.detections(json)
        #expect(boxes.map(\.x2) == [10, 30])
        #expect(boxes.map(\.label) == [nil, "car"])
    }

    @Test func ctcExactTextMatchRate() {
        #expect(abs(OutputAgreement.textMatchRate([("abc", "abc"), ("abc", "abd"), ("", "")]) - 2.0 / 3) < 1e-12)
        #expect(OutputAgreement.textMatchRate([("Abc", "abc")]) == 0)
        #expect(OutputAgreement.textMatchRate([]) == 1)
    }

    @Test func summaryFieldsAgreeByTheirReduction() {
        let reductions: [String: Reduction] = ["max_nsfw": .max, "mean_nsfw": .mean, "faces": .countNonzero, "texts": .unique]
        let reference = [JSONField("max_nsfw", .number(0.20)), JSONField("mean_nsfw", .number(0.05)), JSONField("faces", .number(3)),
                         JSONField("texts", .array([.string("a"), .string("b")]))]
        let candidate = [JSONField("max_nsfw", .number(0.22)), JSONField("mean_nsfw", .number(0.09)), JSONField("faces", .number(3)),
                         JSONField("texts", .array([.string("b"), .string("a")]))]
        let fields = OutputAgreement.summaryFields(reference, candidate, reductions: reductions, tolerance: 0.03)
        #expect(fields.map(\.field) == ["max_nsfw", "mean_nsfw", "faces", "texts"])
        #expect(fields.map(\.agrees) == [true, false, true, true])  // |Δmax| 0.02, |Δmean| 0.04, equal counts, same set
        var off = candidate
        off[2] = JSONField("faces", .number(4))
        off.removeLast()
        #expect(OutputAgreement.summaryFields(reference, off, reductions: reductions).map(\.agrees) == [true, false, false, false])
    }

    @Test func oneFrameAgreesPerHead() {
        func cls(_ label: String, _ sfw: Double) -> JSONValue {
            .object(["top": .array([.object(["label": .string(label), "score": .number(max(sfw, 1 - sfw))])]),
                     "scores": .object(["sfw": .number(sfw), "nsfw": .number(1 - sfw)])])
        }
        #expect(OutputAgreement.frameAgrees(cls("sfw", 0.90), cls("sfw", 0.88)))
        #expect(!OutputAgreement.frameAgrees(cls("sfw", 0.90), cls("sfw", 0.85)))  // |Δscore| 0.05
        #expect(!OutputAgreement.frameAgrees(cls("sfw", 0.51), cls("nsfw", 0.49)))  // the decision changed
        let faces = JSONValue.object(["count": .number(1), "boxes": .array([Self.box(0, 0, 10, 10).json])])
        let moved = JSONValue.object(["count": .number(1), "boxes": .array([Self.box(1, 0, 11, 10).json])])
        #expect(OutputAgreement.frameAgrees(faces, moved))
        #expect(!OutputAgreement.frameAgrees(faces, .object(["count": .number(0), "boxes": .array([])])))
        let text = { (t: String) in JSONValue.object(["text": .string(t), "score": .number(0.9)]) }
        #expect(OutputAgreement.frameAgrees(.array([text("STOP"), text("EXIT")]), .array([text("STOP"), text("EXIT")])))
        #expect(!OutputAgreement.frameAgrees(.array([text("STOP"), text("EXIT")]), .array([text("STOP"), text("EXlT")])))
        #expect(!OutputAgreement.frameAgrees(.array([text("STOP")]), .array([text("STOP"), text("EXIT")])))
    }
}
