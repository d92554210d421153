import Foundation
import FramewiseCore
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test(arguments: [
        (3.0, "3"),
        (-42.0, "-42"),
        (0.0, "0"),
        (-0.0, "0"),
        (1_000_000.0, "1000000"),
        (0.5, "0.5"),
        (-2.25, "-2.25"),
        (0.1, "0.1"),
        (1.0 / 3.0, "0.333333"),
        (123.456789, "123.457"),
        (Double.nan, "null"),
        (Double.infinity, "null"),
        (-Double.infinity, "null"),
    ])
    func numberFormatting(_ value: Double, _ expected: String) {
        #expect(JSONValue.number(value).jsonText == expected)
    }

    @Test func largeNumbersStayValidJSON() throws {
        for value in [1e15, 1e20, -3e18, 1e-7] {
            let text = JSONValue.array([.number(value)]).jsonText
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])
            let n = try #require(parsed.first as? NSNumber, "\(text)")
            #expect(abs(n.doubleValue - value) <= abs(value) * 1e-5, "\(text)")
        }
    }

    @Test func scalarsAndContainers() {
        #expect(JSONValue.null.jsonText == "null")
        #expect(JSONValue.bool(true).jsonText == "true")
        #expect(JSONValue.bool(false).jsonText == "false")
        #expect(JSONValue.array([]).jsonText == "[]")
        #expect(JSONValue.object([JSONField]()).jsonText == "{}")
        #expect(JSONValue.array([.number(1), .null, .string("x")]).jsonText == #"[1,null,"x"]"#)
    }

    @Test func objectKeysKeepTheirWrittenOrder() {
        let value = JSONValue.object(["zeta": .number(1), "alpha": .number(2), "mid": .array([.bool(true)])])
        #expect(value.jsonText == #"{"zeta":1,"alpha":2,"mid":[true]}"#)
    }

    @Test func stringEscaping() {
        let s = "q\"b\\n\nr\rt\t\u{01}\u{1F}é😀/"
        // Hand-written: quote and backslash escaped, \n \r \t short escapes, other controls as \u00XX,
        // non-ASCII and '/' passed through.
        let expected = #""q\"b\\n\nr\rt\t\u0001\u001fé😀/""#
        #expect(JSONValue.string(s).jsonText == expected)
        #expect(JSONValue.object(["a\"key": .string("v")]).jsonText == #"{"a\"key":"v"}"#)
    }

    @Test func writeAppendsToExistingText() {
        var out = "prefix:"
        JSONValue.array([.number(2)]).write(to: &out)
        #expect(out == "prefix:[2]")
    }

    /// Compares a value with what JSONSerialization made of its text.
    private func matches(_ value: JSONValue, _ parsed: Any) -> Bool {
        switch value {
        case .null: return parsed is NSNull
        case let .bool(b): return (parsed as? Bool) == b
        case let .number(n):
            if !n.isFinite { return parsed is NSNull }
            guard let p = (parsed as? NSNumber)?.doubleValue else { return false }
            return abs(p - n) <= max(abs(n), 1) * 1e-6
        case let .string(s): return (parsed as? String) == s
        case let .array(items):
            guard let arr = parsed as? [Any], arr.count == items.count else { return false }
            return zip(items, arr).allSatisfy { matches($0, $1) }
        case let .object(fields):
            guard let dict = parsed as? [String: Any], dict.count == fields.count else { return false }
            return fields.allSatisfy { f in dict[f.key].map { matches(f.value, $0) } ?? false }
        }
    }

    @Test func roundTripsThroughJSONSerialization() throws {
        let value = JSONValue.object([
            "name": .string("line1\nline2 \"quoted\" \\ tab\t ctrl\u{02} ünï"),
            "count": .number(42),
            "ratio": .number(0.125),
            "negative": .number(-7.5),
            "nan": .number(.nan),
            "flag": .bool(true),
            "off": .bool(false),
            "nothing": .null,
            "boxes": .array([
                .object(["box": .array([.number(1.5), .number(2), .number(30), .number(40.25)]), "score": .number(0.875)]),
                .array([]),
            ]),
            "nested": .object(["deeper": .object(["x": .number(-1)])]),
        ])
        let text = value.jsonText
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(matches(value, parsed), "\(text)")
        // Guard the comparator itself: a changed value must not match.
        #expect(!matches(.object(["count": .number(43)]), try JSONSerialization.jsonObject(with: Data(#"{"count":42}"#.utf8))))
    }

    @Test func valuesAtDottedPaths() {
        let value = JSONValue.object([
            "scores": .object(["nsfw": .number(0.9), "safe": .number(0.1)]),
            "count": .number(3),
            "boxes": .array([
                .object(["score": .number(0.8), "label": .string("a")]),
                .object(["score": .number(0.6)]),
                .object(["label": .string("b")]),
            ]),
            "nested": .object(["list": .array([
                .object(["inner": .array([.object(["x": .number(1)]), .object(["x": .number(2)])])]),
                .object(["inner": .object(["x": .number(3)])]),
            ])]),
        ])
        #expect(value.values(at: "count") == [.number(3)])
        #expect(value.values(at: "scores.nsfw") == [.number(0.9)])
        #expect(value.values(at: "scores.safe") == [.number(0.1)])
        #expect(value.values(at: "boxes.score") == [.number(0.8), .number(0.6)])
        #expect(value.values(at: "boxes.label") == [.string("a"), .string("b")])
        #expect(value.values(at: "nested.list.inner.x") == [.number(1), .number(2), .number(3)])
        #expect(value.values(at: "missing").isEmpty)
        #expect(value.values(at: "scores.nsfw.deeper").isEmpty)
        #expect(value.values(at: "scores.unknown").isEmpty)
        let topArray = JSONValue.array([.object(["a": .number(1)]), .object(["a": .number(2)]), .number(5)])
        #expect(topArray.values(at: "a") == [.number(1), .number(2)])
    }

    @Test func subscriptAndNumber() {
        let value = JSONValue.object(["a": .number(1), "b": .string("x"), "a2": .bool(true)])
        #expect(value["a"] == .number(1))
        #expect(value["b"] == .string("x"))
        #expect(value["zzz"] == nil)
        #expect(JSONValue.array([.number(1)])["a"] == nil)
        #expect(JSONValue.number(2.5).number == 2.5)
        #expect(JSONValue.bool(true).number == 1)
        #expect(JSONValue.bool(false).number == 0)
        #expect(JSONValue.string("3").number == nil)
        #expect(JSONValue.null.number == nil)
    }
}
