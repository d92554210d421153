import Foundation
import FramewiseCore
import FramewisePostprocess
@testable import FramewiseRuntime
import Testing

/// Stage outputs survive `encoded()` / `decoded(from:)` exactly: the same `.json` text, the same key
/// order, the same tensor bits (NaN and infinities included), the same boxes and labels.
@Suite struct StageFrameOutputCodableTests {
    static let classifier = HeadResult(
        json: .object(["label": .string("cat"), "score": .number(0.875), "scores": .object(["zebra": .number(0.1), "cat": .number(0.875), "ant": .number(0.025)])]),
        topLabel: ("cat", 0.875))

    static func item(slot: Int, crop: Rect?, head: HeadResult, values: [Float] = [1, -2.5, Float(bitPattern: 0x0004_1234)]) -> StageItemResult {
        StageItemResult(slot: slot, crop: crop, head: head,
                        outputs: ItemOutputs(tensors: [("logits", [values.count], values), ("empty", [0, 4], [])]))
    }

    @Test func single() throws {
        let output = StageFrameOutput.single(Self.item(slot: 3, crop: nil, head: Self.classifier))
        let back = try Self.roundTrip(output)
        guard case let .single(item) = back else { Issue.record("got \(back)"); return }
        #expect(item.slot == 3 && item.crop == nil)
        #expect(item.head.topLabel?.label == "cat" && item.head.topLabel?.score == 0.875)
        #expect(item.head.detections.isEmpty)
    }

    @Test func cropsWithBoxes() throws {
        let faces = HeadResult(
            json: .object(["faces": .array([Detection(x1: 10.25, y1: 20, x2: 50.5, y2: 80, score: 0.9, landmarks: [11, 21.5, 30, 40]).json])]),
            detections: [Detection(x1: 10.25, y1: 20, x2: 50.5, y2: 80, score: 0.9, label: "face", landmarks: [11, 21.5, 30, 40]),
                         Detection(x1: -0.0, y1: 1e-300, x2: 1_919.999_999_999, y2: 1080, score: .nan)])
        let output = StageFrameOutput.crops([
            Self.item(slot: 0, crop: Rect(x: 10.25, y: 20, width: 40.25, height: 60), head: faces),
            Self.item(slot: 0, crop: Rect(x: 0.1, y: 0.2, width: 1 / 3, height: 2e9), head: Self.classifier),
            Self.item(slot: 1, crop: nil, head: HeadResult(json: .string("no box"))),
        ])
        let back = try Self.roundTrip(output)
        guard case let .crops(items) = back, case let .crops(originals) = output else { Issue.record("got \(back)"); return }
        #expect(items.map(\.crop) == originals.map(\.crop))
        #expect(items.map(\.slot) == [0, 0, 1])
        let boxes = items[0].head.detections
        #expect(boxes.count == 2 && boxes[0] == originals[0].head.detections[0])
        #expect(boxes[1].x1.sign == .minus && boxes[1].y1 == 1e-300 && boxes[1].x2 == 1_919.999_999_999 && boxes[1].score.isNaN)
        #expect(items[2].head.topLabel == nil)
    }

    @Test func dropped() throws {
        guard case let .dropped(reason) = try Self.roundTrip(.dropped("late: 120 ms over budget \"quoted\" ü")) else {
            Issue.record("not dropped"); return
        }
        #expect(reason == "late: 120 ms over budget \"quoted\" ü")
    }

    @Test func nonFiniteTensorValuesKeepTheirBits() throws {
        let quietNaN = Float.nan, signalling = Float(bitPattern: 0x7FA0_0001), negativeNaN = Float(bitPattern: 0xFFC0_1234)
        let values: [Float] = [.infinity, -.infinity, quietNaN, signalling, negativeNaN, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let output = StageFrameOutput.single(Self.item(slot: 0, crop: nil, head: HeadResult(json: .null), values: values))
        guard case let .single(item) = try Self.roundTrip(output) else { Issue.record("not single"); return }
        #expect(item.outputs.tensors.map(\.name) == ["logits", "empty"])
        #expect(item.outputs.tensors.map(\.shape) == [[9], [0, 4]])
        #expect(item.outputs.tensors[0].values.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(item.outputs.tensors[1].values.isEmpty)
    }

    /// Keys keep their order (not sorted, not hashed), at every depth; every JSON kind survives,
    /// including numbers JSON cannot hold and strings that look like them.
    @Test func jsonKeepsKeyOrderAndEveryKind() throws {
        let json = JSONValue.object([
            "z": .number(1), "a": .object(["y": .bool(true), "b": .bool(false), "x": .null]),
            "m": .array([.number(-0.0), .number(0.1), .number(1 / 3), .number(Double.leastNonzeroMagnitude), .number(1.7976931348623157e308), .number(-12)]),
            "nan": .number(.nan), "inf": .number(.infinity), "-inf": .number(-.infinity),
            "strings": .array([.string("nan"), .string("inf"), .string("true"), .string("1"), .string(""), .string("tab\t\"q\"")]),
            "nested": .array([.array([]), .object([]), .object(["o": .string("tagged-looking key")]), .object(["f": .string("nan")])]),
        ])
        let output = StageFrameOutput.single(Self.item(slot: 0, crop: nil, head: HeadResult(json: json)))
        guard case let .single(item) = try Self.roundTrip(output) else { Issue.record("not single"); return }
        guard case let .object(fields) = item.head.json else { Issue.record("not an object"); return }
        #expect(fields.map(\.key) == ["z", "a", "m", "nan", "inf", "-inf", "strings", "nested"])
        #expect(item.head.json["a"].map(Self.keys) == ["y", "b", "x"])
        let numbers = item.head.json["m"].flatMap { value -> [Double]? in
            guard case let .array(items) = value else { return nil }
            return items.compactMap(\.number)
        }
        #expect(numbers?.map(\.bitPattern) == [-0.0, 0.1, 1 / 3, Double.leastNonzeroMagnitude, 1.7976931348623157e308, -12].map(\.bitPattern))
        #expect(item.head.json["nan"]?.number?.isNaN == true && item.head.json["-inf"]?.number == -.infinity)
        #expect(item.head.json["strings"] == json["strings"] && item.head.json["nested"] == json["nested"])
    }

    @Test func garbageIsATypedErrorSayingWhatFailed() throws {
        let cases: [(Data, String)] = [
            (Data("not json".utf8), "decoding a stage output (8 bytes)"),
            (Data(#"{"single": 1, "dropped": "x"}"#.utf8), "exactly one of single, crops, dropped"),
            (Data(#"{"crops": [{"slot": 0, "head": {"json": null, "detections": []}}]}"#.utf8), "missing key 'outputs' at crops[0]"),
            (Data(#"{"single": {"slot": 0, "head": {"json": null, "detections": []}, "outputs": [{"name": "t", "shape": [1], "values": "AAA"}]}}"#.utf8),
             "tensor 't': values are not base64"),
        ]
        for (data, expected) in cases {
            do {
                _ = try StageFrameOutput.decoded(from: data)
                Issue.record("decoded garbage: \(String(decoding: data, as: UTF8.self))")
            } catch {
                #expect(error.operation == .decode && error.byteCount == data.count)
                #expect(error.description.contains(expected), "\(error)")
            }
        }
    }

    /// The blob is JSON text whose tensor values are base64, not JSON numbers.
    @Test func tensorValuesTravelAsBase64() throws {
        let blob = try StageFrameOutput.single(Self.item(slot: 0, crop: nil, head: HeadResult(json: .null), values: [1, 2])).encoded()
        let text = String(decoding: blob, as: UTF8.self)
        #expect(text.contains(#""values":"AACAPwAAAEA=""#), "\(text)")
    }

    /// Encodes, decodes, and checks that the result reads the same as the original (`.json` text and
    /// every tensor's bits); returns the decoded output for further checks.
    static func roundTrip(_ output: StageFrameOutput) throws -> StageFrameOutput {
        let back = try StageFrameOutput.decoded(from: output.encoded())
        #expect(back.json.jsonText == output.json.jsonText)
        #expect(bits(back) == bits(output))
        #expect(try back.encoded() == output.encoded(), "encoding is stable")
        return back
    }

    static func bits(_ output: StageFrameOutput) -> [[UInt32]] {
        let items: [StageItemResult]
        switch output {
        case let .single(item): items = [item]
        case let .crops(list): items = list
        case .dropped: items = []
        }
        return items.flatMap { $0.outputs.tensors.map { $0.values.map(\.bitPattern) } }
    }

    static func keys(_ value: JSONValue) -> [String] {
        guard case let .object(fields) = value else { return [] }
        return fields.map(\.key)
    }
}
