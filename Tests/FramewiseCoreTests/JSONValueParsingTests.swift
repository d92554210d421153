import FramewiseCore
import Testing

/// Reading JSON text back into `JSONValue` with object keys in their order.
@Suite struct JSONValueParsingTests {
    @Test func roundTripsWhatItWrites() throws {
        let value = JSONValue.object(["z": .number(1.5), "a": .array([.bool(true), .null, .string("tab\t\"q\" é 😀")]),
                                      "o": .object(["n": .number(-3e-5)])])
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }

    @Test func readsEscapesAndSurrogatePairs() throws {
        #expect(try JSONValue(parsing: #" "\u00e9\ud83d\ude00\n\/" "#) == .string("é😀\n/"))
        #expect(try JSONValue(parsing: "[1, 2.5e3, -0]") == .array([.number(1), .number(2500), .number(0)]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "1 2", "{\"a\":1,}"])
    func refusesBrokenText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }
}
