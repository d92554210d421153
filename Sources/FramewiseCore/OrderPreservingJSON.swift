/// A `JSONValue` in a `Codable` wire format that survives decoding unchanged, for results that cross
/// process boundaries. (`JSONValue` itself is not `Codable`: result files are written with `jsonText`.)
///
/// Decoders do not keep the key order of JSON objects, so objects travel as `{"o": [[key, value], ...]}`;
/// NaN and infinities, which JSON numbers cannot hold, as `{"f": "nan" | "inf" | "-inf"}`. Everything else
/// is plain JSON: `null`, `true`, `"text"`, `1.5` (written exactly), `[...]`.
public struct OrderPreservingJSON: Sendable, Equatable, Codable {
    /// The value carried.
    public var value: JSONValue

    /// Wraps `value`.
    public init(_ value: JSONValue) {
        self.value = value
    }

    private enum Key: String, CodingKey {
        case object = "o"
        case nonFinite = "f"
    }

    public func encode(to encoder: any Encoder) throws {
        switch value {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case let .bool(b):
            var container = encoder.singleValueContainer()
            try container.encode(b)
        case let .number(n) where !n.isFinite:
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(n.isNaN ? "nan" : n < 0 ? "-inf" : "inf", forKey: .nonFinite)
        case let .number(n):
            var container = encoder.singleValueContainer()
            try container.encode(n)
        case let .string(s):
            var container = encoder.singleValueContainer()
            try container.encode(s)
        case let .array(items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(OrderPreservingJSON(item)) }
        case let .object(fields):
            var container = encoder.container(keyedBy: Key.self)
            var pairs = container.nestedUnkeyedContainer(forKey: .object)
            for field in fields {
                var pair = pairs.nestedUnkeyedContainer()
                try pair.encode(field.key)
                try pair.encode(OrderPreservingJSON(field.value))
            }
        }
    }

    /// Tries the plain JSON kinds in an order where none can pass for another (a string before a
    /// number, since a decoder may read "nan" as a number), then the tagged objects.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { value = .null; return }
            if let b = try? single.decode(Bool.self) { value = .bool(b); return }
            if let s = try? single.decode(String.self) { value = .string(s); return }
            if let n = try? single.decode(Double.self) { value = .number(n); return }
        }
        if var items = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !items.isAtEnd { values.append(try items.decode(OrderPreservingJSON.self).value) }
            value = .array(values)
            return
        }
        let container = try decoder.container(keyedBy: Key.self)
        if container.contains(.nonFinite) {
            let text = try container.decode(String.self, forKey: .nonFinite)
            switch text {
            case "nan": value = .number(.nan)
            case "inf": value = .number(.infinity)
            case "-inf": value = .number(-.infinity)
            default:
                throw DecodingError.dataCorruptedError(forKey: .nonFinite, in: container,
                                                       debugDescription: "non-finite number '\(text)' is not nan, inf or -inf")
            }
            return
        }
        var pairs = try container.nestedUnkeyedContainer(forKey: .object)
        var fields: [JSONField] = []
        while !pairs.isAtEnd {
            var pair = try pairs.nestedUnkeyedContainer()
            let key = try pair.decode(String.self)
            fields.append(JSONField(key, try pair.decode(OrderPreservingJSON.self).value))
            guard pair.isAtEnd else {
                throw DecodingError.dataCorruptedError(in: pair, debugDescription: "object field '\(key)' has more than a key and a value")
            }
        }
        value = .object(fields)
    }
}
