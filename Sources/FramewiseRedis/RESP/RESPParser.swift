import NIOCore

/// Parses RESP2 (and RESP3) values from bytes that may arrive in pieces.
///
/// `parse(_:)` either consumes one complete value from the buffer or, when the value is not
/// complete yet, consumes nothing and returns `nil`; call it again once more bytes arrived.
/// A value that can never be valid throws `RESPParsingError`.
public struct RESPParser: Sendable {
    /// The deepest nesting of aggregates accepted.
    public var maxDepth: Int
    /// The largest bulk string accepted, in bytes (Redis' own limit is 512 MiB).
    public var maxBulkLength: Int
    /// The most elements accepted in one aggregate.
    public var maxAggregateCount: Int

    /// A parser with limits that protect against hostile or corrupt streams.
    public init(maxDepth: Int = 64, maxBulkLength: Int = 512 * 1024 * 1024, maxAggregateCount: Int = 1 << 24) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
    }

    /// Takes one complete value off the front of `buffer`, or returns `nil` (consuming nothing).
    public func parse(_ buffer: inout ByteBuffer) throws(RESPParsingError) -> RESPValue? {
        var view = buffer
        guard let value = try parseValue(&view, depth: 0) else { return nil }
        buffer.moveReaderIndex(to: view.readerIndex)
        return value
    }

    private func parseValue(_ buffer: inout ByteBuffer, depth: Int) throws(RESPParsingError) -> RESPValue? {
        guard depth <= maxDepth else { throw .tooDeep }
        guard let marker = buffer.readInteger(as: UInt8.self) else { return nil }
        switch marker {
        case UInt8(ascii: "+"): return readLine(&buffer).map { .simpleString($0) }
        case UInt8(ascii: "-"): return readLine(&buffer).map { .error($0) }
        case UInt8(ascii: ":"):
            guard let n = try readInteger(&buffer) else { return nil }
            return .integer(n)
        case UInt8(ascii: "$"): return try readBulk(&buffer).map { $0.map(RESPValue.bulkString) ?? .null }
        case UInt8(ascii: "!"):
            guard let blob = try readBulk(&buffer) else { return nil }
            return .error(blob.map { String(buffer: $0) } ?? "")
        case UInt8(ascii: "="):
            guard let blob = try readBulk(&buffer) else { return nil }
            // Verbatim strings start with a three-letter format and a colon: "txt:".
            guard var text = blob else { return .null }
            if text.readableBytes >= 4 { text.moveReaderIndex(forwardBy: 4) }
            return .bulkString(text)
        case UInt8(ascii: "_"):
            guard readLine(&buffer) != nil else { return nil }
            return .null
        case UInt8(ascii: "#"):
            guard let line = readLine(&buffer) else { return nil }
            switch line {
            case "t": return .boolean(true)
            case "f": return .boolean(false)
            default: throw .invalid("boolean \(line)")
            }
        case UInt8(ascii: ","):
            guard let line = readLine(&buffer) else { return nil }
            guard let d = Double(line) ?? Self.specialDouble(line) else { throw .invalid("double \(line)") }
            return .double(d)
        case UInt8(ascii: "("): return readLine(&buffer).map { .bigNumber($0) }
        case UInt8(ascii: "*"): return try readAggregate(&buffer, depth: depth, factor: 1).map { $0.map(RESPValue.array) ?? .null }
        case UInt8(ascii: "~"): return try readAggregate(&buffer, depth: depth, factor: 1).map { .set($0 ?? []) }
        case UInt8(ascii: ">"): return try readAggregate(&buffer, depth: depth, factor: 1).map { .push($0 ?? []) }
        case UInt8(ascii: "%"): return try readAggregate(&buffer, depth: depth, factor: 2).map { .map($0 ?? []) }
        case UInt8(ascii: "|"):
            // Attributes describe the value that follows; we skip them and return that value.
            guard try readAggregate(&buffer, depth: depth, factor: 2) != nil else { return nil }
            return try parseValue(&buffer, depth: depth)
        default:
            throw .invalid("unknown type marker 0x\(String(marker, radix: 16))")
        }
    }

    private static func specialDouble(_ s: String) -> Double? {
        switch s {
        case "inf": .infinity
        case "-inf": -.infinity
        case "nan": .nan
        default: nil
        }
    }

    /// The text up to the next CRLF, consuming the CRLF; `nil` when no CRLF has arrived yet.
    private func readLine(_ buffer: inout ByteBuffer) -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
        // A lone CR inside a simple string is not allowed by RESP; we only look for CRLF.
        let crOffset = cr - view.startIndex
        guard crOffset + 1 < view.count else { return nil }
        let text = buffer.readString(length: crOffset) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        return text
    }

    /// A decimal line (`-12\r\n`) read straight from the bytes; `nil` when no CRLF has arrived yet.
    private func readInteger(_ buffer: inout ByteBuffer) throws(RESPParsingError) -> Int64? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")) else { return nil }
        guard cr + 1 < view.endIndex else { return nil }
        var index = view.startIndex
        let negative = index < cr && view[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < cr else { throw .invalid("empty integer") }
        var value: Int64 = 0
        while index < cr {
            let digit = view[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw .invalid("integer with byte 0x\(String(view[index], radix: 16))") }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { throw .invalid("integer overflow") }
            value = sum
            index += 1
        }
        buffer.moveReaderIndex(forwardBy: cr - view.startIndex + 2)
        return negative ? -value : value
    }

    /// `.some(nil)` for a null bulk string, `nil` when incomplete.
    private func readBulk(_ buffer: inout ByteBuffer) throws(RESPParsingError) -> ByteBuffer?? {
        guard let length = try readInteger(&buffer) else { return nil }
        if length == -1 { return .some(nil) }
        guard length >= 0, length <= maxBulkLength else { throw .invalid("bulk length \(length)") }
        guard buffer.readableBytes >= Int(length) + 2 else { return nil }
        let bytes = buffer.readSlice(length: Int(length))!
        guard buffer.readInteger(as: UInt16.self) == 0x0D0A else { throw .invalid("bulk string not ended by CRLF") }
        return .some(bytes)
    }

    /// `.some(nil)` for a null array, `nil` when incomplete.
    private func readAggregate(_ buffer: inout ByteBuffer, depth: Int, factor: Int) throws(RESPParsingError) -> [RESPValue]?? {
        guard let count = try readInteger(&buffer) else { return nil }
        if count == -1 { return .some(nil) }
        guard count >= 0, count <= maxAggregateCount else { throw .invalid("aggregate count \(count)") }
        let total = Int(count) * factor
        var items: [RESPValue] = []
        items.reserveCapacity(min(total, 1024))
        for _ in 0..<total {
            guard let item = try parseValue(&buffer, depth: depth + 1) else { return nil }
            items.append(item)
        }
        return .some(items)
    }
}

/// Bytes that are not a valid RESP stream.
public enum RESPParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A malformed value, with what was wrong.
    case invalid(String)
    /// Aggregates nested deeper than `RESPParser.maxDepth`.
    case tooDeep

    public var description: String {
        switch self {
        case let .invalid(what): "invalid RESP: \(what)"
        case .tooDeep: "invalid RESP: nested too deep"
        }
    }
}
