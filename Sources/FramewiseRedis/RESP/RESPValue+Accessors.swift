import NIOCore

extension RESPValue {
    /// The text of a simple string, bulk string, verbatim string, error or big number; `nil` otherwise.
    public var string: String? {
        switch self {
        case let .simpleString(s), let .error(s), let .bigNumber(s): s
        case let .bulkString(b): String(buffer: b)
        case let .integer(i): String(i)
        default: nil
        }
    }

    /// The bytes of a bulk string (or the UTF-8 of a simple string); `nil` otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case let .bulkString(b): Array(b.readableBytesView)
        case let .simpleString(s): Array(s.utf8)
        default: nil
        }
    }

    /// An integer reply, or a string reply that holds a decimal integer.
    public var int: Int? {
        switch self {
        case let .integer(i): Int(i)
        case .simpleString, .bulkString: string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The elements of an array, set, push or (flattened) map; `nil` otherwise.
    public var array: [RESPValue]? {
        switch self {
        case let .array(a), let .set(a), let .push(a), let .map(a): a
        default: nil
        }
    }

    /// Whether this is a null (RESP2 null bulk/array, RESP3 null).
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The message of an error reply; `nil` for every other value.
    public var errorMessage: String? {
        if case let .error(m) = self { m } else { nil }
    }

    /// A flattened key/value array (RESP2 `XINFO` replies, RESP3 maps) as a dictionary keyed by text.
    public var fields: [String: RESPValue]? {
        guard let items = array, items.count % 2 == 0 else { return nil }
        var out: [String: RESPValue] = [:]
        for i in stride(from: 0, to: items.count, by: 2) {
            guard let key = items[i].string else { return nil }
            out[key] = items[i + 1]
        }
        return out
    }
}

extension RESPValue: CustomStringConvertible {
    /// A short human-readable rendering (bulk strings as text), for errors and logs.
    public var description: String {
        switch self {
        case let .simpleString(s): return s
        case let .error(s): return "(error) \(s)"
        case let .integer(i): return "(integer) \(i)"
        case let .bulkString(b): return "\"\(String(buffer: b))\""
        case .null: return "(nil)"
        case let .double(d): return "(double) \(d)"
        case let .boolean(b): return "(boolean) \(b)"
        case let .bigNumber(s): return "(big) \(s)"
        case let .array(a), let .set(a), let .push(a), let .map(a):
            return "[" + a.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
