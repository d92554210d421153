import Foundation

/// JSON text that could not be read: where (byte offset) and what was expected.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses JSON text, keeping the key order of objects (as results files are written).
    public init(parsing text: String) throws(JSONParseError) {
        var parser = JSONTextParser(bytes: Array(text.utf8))
        self = try parser.document()
    }
}

/// A recursive-descent JSON reader over UTF-8 bytes (RFC 8259), objects in key order.
private struct JSONTextParser {
    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(JSONParseError) -> JSONValue {
        let value = try self.value()
        skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    private func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: i, reason: reason) }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("expected \(word)") }
        i += w.count
        return value
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return .number(try number())
        }
    }

    private mutating func nested<T>(_ body: (inout JSONTextParser) throws(JSONParseError) -> T) throws(JSONParseError) -> T {
        depth += 1
        guard depth <= 512 else { throw fail("nested too deeply") }
        defer { depth -= 1 }
        return try body(&self)
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        try nested { (p: inout JSONTextParser) throws(JSONParseError) -> JSONValue in
            p.i += 1
            var fields: [JSONField] = []
            p.skipSpace()
            if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "}") { p.i += 1; return .object(fields) }
            while true {
                p.skipSpace()
                guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "\"") else { throw p.fail("expected a key") }
                let key = try p.string()
                p.skipSpace()
                guard p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: ":") else { throw p.fail("expected ':'") }
                p.i += 1
                fields.append(JSONField(key, try p.value()))
                p.skipSpace()
                guard p.i < p.bytes.count else { throw p.fail("unexpected end in an object") }
                if p.bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
                guard p.bytes[p.i] == UInt8(ascii: "}") else { throw p.fail("expected ',' or '}'") }
                p.i += 1
                return .object(fields)
            }
        }
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        try nested { (p: inout JSONTextParser) throws(JSONParseError) -> JSONValue in
            p.i += 1
            var items: [JSONValue] = []
            p.skipSpace()
            if p.i < p.bytes.count, p.bytes[p.i] == UInt8(ascii: "]") { p.i += 1; return .array(items) }
            while true {
                items.append(try p.value())
                p.skipSpace()
                guard p.i < p.bytes.count else { throw p.fail("unexpected end in an array") }
                if p.bytes[p.i] == UInt8(ascii: ",") { p.i += 1; continue }
                guard p.bytes[p.i] == UInt8(ascii: "]") else { throw p.fail("expected ',' or ']'") }
                p.i += 1
                return .array(items)
            }
        }
    }

    private mutating func number() throws(JSONParseError) -> Double {
        let start = i
        while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
        guard i > start, let text = String(bytes: bytes[start..<i], encoding: .utf8), let n = Double(text) else {
            i = start
            throw fail("expected a value")
        }
        return n
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard i + 4 <= bytes.count, let text = String(bytes: bytes[i..<(i + 4)], encoding: .utf8), let v = UInt32(text, radix: 16) else {
            throw fail("bad \\u escape")
        }
        i += 4
        return v
    }

    private mutating func string() throws(JSONParseError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    out += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)  // \" \\ \/
                }
            default:
                out.append(b)
            }
        }
        throw fail("unterminated string")
    }
}
