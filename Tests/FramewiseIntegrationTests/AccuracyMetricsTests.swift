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

/// The input sizes the tuner tries, by the model's free axes and its head.
@Suite struct InputSizeCandidatesTests {
    @Test func sizesFollowTheFreeAxesAndTheHead() throws {
        let ctc = Head.ctc(try CTCHead(spec: CTCSpec(characters: ["a", "b"]), metadata: [:]))
        let classify = Head.classify(ClassifyHead(spec: ClassifySpec()))
        let factors = [1, 0.75, 0.5, 0.5, 0.01]
        // (shape, layout, head, written) -> expected candidates
        let table: [([Int], TensorLayout, Head, [Int], [[Int]])] = [
            // A recogniser with free height and width: the width only (480 x 0.75 = 360 -> 352; x 0.5 = 240 -> 224; tiny -> 32).
            ([-1, 3, -1, -1], .nchw, ctc, [480, 48], [[352, 48], [224, 48], [32, 48]]),
            ([-1, 3, 48, -1], .nchw, ctc, [480, 48], [[352, 48], [224, 48], [32, 48]]),
            // A detector with both axes free: both scale.
            ([-1, 3, -1, -1], .nchw, classify, [640, 384], [[480, 288], [320, 192], [32, 32]]),
            // Only the width free: the width only; NHWC reads axes 1 and 2.
            ([-1, 3, 224, -1], .nchw, classify, [224, 224], [[160, 224], [96, 224], [32, 224]]),
            ([-1, -1, -1, 3], .nhwc, classify, [256, 256], [[192, 192], [128, 128], [32, 32]]),
            // Fixed sizes, a free height alone, or no image input: nothing to try.
            ([-1, 3, 224, 224], .nchw, classify, [224, 224], []),
            ([-1, 3, -1, 224], .nchw, classify, [224, 224], []),
            ([-1, 10], .nchw, classify, [224, 224], []),
        ]
        for (shape, layout, head, written, expected) in table {
            let got = InputSizeCandidates.sizes(written: written, shape: shape, layout: layout, head: head, factors: factors)
            #expect(got == expected, "\(shape) \(layout) \(written)")
        }
    }
}

/// Verification counts a crop stage per crop, a frame stage per frame.
@Suite struct ItemAgreementTests {
    static func line(_ text: String) -> JSONValue { .object([JSONField("box", .array([.number(0), .number(0), .number(9), .number(9)])), JSONField("text", .string(text))]) }

    @Test func cropsCountOneByOne() {
        // Same count: paired in order, 2 of 3 alike.
        let a = JSONValue.array([Self.line("A"), Self.line("B"), Self.line("C")])
        let b = JSONValue.array([Self.line("A"), Self.line("X"), Self.line("C")])
        let paired = OutputAgreement.itemsAgreeing(a, b)
        #expect(paired.items == 3 && paired.agreeing == 2)
        // Different counts: the larger count, matched as multisets whatever the order.
        let unequal = OutputAgreement.itemsAgreeing(a, .array([Self.line("C"), Self.line("A")]))
        #expect(unequal.items == 3 && unequal.agreeing == 2)
        let more = OutputAgreement.itemsAgreeing(a, .array([Self.line("B"), Self.line("A"), Self.line("Z"), Self.line("C")]))
        #expect(more.items == 4 && more.agreeing == 3)
        // Each candidate line matches once: two reference lines alike need two.
        let twice = OutputAgreement.itemsAgreeing(.array([Self.line("A"), Self.line("A"), Self.line("B")]), .array([Self.line("A"), Self.line("B")]))
        #expect(twice.items == 3 && twice.agreeing == 2)
        // A box read as no text counts on neither side: one more box on a background patch changes nothing.
        let empty = OutputAgreement.itemsAgreeing(a, .array([Self.line("A"), Self.line(""), Self.line("B"), Self.line("C")]))
        #expect(empty.items == 3 && empty.agreeing == 3)
        let lost = OutputAgreement.itemsAgreeing(.array([Self.line("A"), Self.line("")]), .array([Self.line("B")]))
        #expect(lost.items == 1 && lost.agreeing == 0)
        // No crops on either side: nothing to count.
        let none = OutputAgreement.itemsAgreeing(.array([]), .array([]))
        #expect(none.items == 0 && none.agreeing == 0)
        // A frame stage: one item.
        let top = JSONValue.object([JSONField("top", .array([.object([JSONField("label", .string("x"))])])), JSONField("scores", .object([JSONField("x", .number(0.9))]))])
        let frame = OutputAgreement.itemsAgreeing(top, top)
        #expect(frame.items == 1 && frame.agreeing == 1)
    }

    @Test func dynamicWidthIsTriedOnRecognisersOnly() throws {
        let ctc = Head.ctc(try CTCHead(spec: CTCSpec(characters: ["a"]), metadata: [:]))
        let classify = Head.classify(ClassifyHead(spec: ClassifySpec()))
        let letterbox = PreprocessSpec(width: 480, height: 48, resize: .letterbox(anchor: .topLeft, pad: 0))
        #expect(InputSizeCandidates.dynamicWidth(written: letterbox, shape: [-1, 3, 48, -1], head: ctc) == 32)
        #expect(InputSizeCandidates.dynamicWidth(written: letterbox, shape: [-1, 3, 48, 480], head: ctc) == nil)  // fixed width
        #expect(InputSizeCandidates.dynamicWidth(written: letterbox, shape: [-1, 3, -1, -1], head: classify) == nil)
        #expect(InputSizeCandidates.dynamicWidth(written: PreprocessSpec(width: 480, height: 48), shape: [-1, 3, 48, -1], head: ctc) == nil)  // stretched
        var already = letterbox
        already.dynamicWidth = 32
        #expect(InputSizeCandidates.dynamicWidth(written: already, shape: [-1, 3, 48, -1], head: ctc) == nil)
    }

    /// A dynamic size (both axes) is tried on letterboxed models with both spatial axes free that do not read text.
    @Test func dynamicSizeIsTriedOnLetterboxedDetectors() throws {
        let ctc = Head.ctc(try CTCHead(spec: CTCSpec(characters: ["a"]), metadata: [:]))
        let boxes = Head.textBoxes(TextBoxHead(spec: TextBoxSpec()))
        let letterbox = PreprocessSpec(width: 640, height: 384, resize: .letterbox(anchor: .topLeft, pad: 0))
        #expect(InputSizeCandidates.dynamicSize(written: letterbox, shape: [-1, 3, -1, -1], head: boxes) == 32)
        #expect(InputSizeCandidates.dynamicSize(written: letterbox, shape: [-1, 3, 384, -1], head: boxes) == nil)  // fixed height
        #expect(InputSizeCandidates.dynamicSize(written: letterbox, shape: [-1, 3, -1, -1], head: ctc) == nil)  // a recogniser keeps its height
        #expect(InputSizeCandidates.dynamicSize(written: PreprocessSpec(width: 640, height: 384), shape: [-1, 3, -1, -1], head: boxes) == nil)  // stretched
        var already = letterbox
        already.dynamicWidth = 32
        #expect(InputSizeCandidates.dynamicSize(written: already, shape: [-1, 3, -1, -1], head: boxes) == nil)
    }
}
