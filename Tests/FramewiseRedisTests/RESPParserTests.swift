import FramewiseRedis
import NIOCore
import Testing

@Suite("RESP parsing and encoding")
struct RESPParserTests {
    /// Wire bytes and the values they hold, covering every type and nesting.
    static let samples: [(String, [RESPValue])] = [
        ("+OK\r\n", [.simpleString("OK")]),
        ("-ERR unknown command 'FOO'\r\n", [.error("ERR unknown command 'FOO'")]),
        (":-42\r\n", [.integer(-42)]),
        ("$5\r\nhello\r\n", [.bulk("hello")]),
        ("$0\r\n\r\n", [.bulk("")]),
        ("$-1\r\n*-1\r\n", [.null, .null]),
        ("$4\r\na\r\nb\r\n", [.bulk("a\r\nb")]),
        ("*3\r\n:1\r\n$3\r\nfoo\r\n*2\r\n+a\r\n$-1\r\n", [.array([.integer(1), .bulk("foo"), .array([.simpleString("a"), .null])])]),
        ("*0\r\n", [.array([])]),
        ("_\r\n#t\r\n#f\r\n,3.5\r\n(12345678901234567890\r\n", [.null, .boolean(true), .boolean(false), .double(3.5), .bigNumber("12345678901234567890")]),
        ("%1\r\n+k\r\n:1\r\n~2\r\n:1\r\n:2\r\n", [.map([.simpleString("k"), .integer(1)]), .set([.integer(1), .integer(2)])]),
        ("=8\r\ntxt:some\r\n!5\r\nERR x\r\n>2\r\n+pubsub\r\n:1\r\n", [.bulk("some"), .error("ERR x"), .push([.simpleString("pubsub"), .integer(1)])]),
        ("|1\r\n+ttl\r\n:3\r\n+value\r\n", [.simpleString("value")]),
    ]

    /// Feeds `bytes` in two pieces split at `split`, the way a channel would: parse what is
    /// complete, keep the rest, append the next read.
    static func parse(_ bytes: [UInt8], splits: [Int]) throws -> [RESPValue] {
        let parser = RESPParser()
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        var start = 0
        for end in splits + [bytes.count] {
            buffer.writeBytes(bytes[start..<end])
            start = end
            while let value = try parser.parse(&buffer) { values.append(value) }
        }
        #expect(buffer.readableBytes == 0)
        return values
    }

    @Test("each sample parses whole", arguments: 0..<samples.count)
    func whole(_ index: Int) throws {
        let (wire, expected) = Self.samples[index]
        #expect(try Self.parse(Array(wire.utf8), splits: []) == expected)
    }

    @Test("each sample parses when split at every position", arguments: 0..<samples.count)
    func splitEverywhere(_ index: Int) throws {
        let (wire, expected) = Self.samples[index]
        let bytes = Array(wire.utf8)
        for split in 0...bytes.count {
            #expect(try Self.parse(bytes, splits: [split]) == expected, "split at \(split)")
        }
    }

    @Test("a stream of all samples parses byte by byte")
    func byteByByte() throws {
        let bytes = Array(Self.samples.map(\.0).joined().utf8)
        let expected = Self.samples.flatMap(\.1)
        #expect(try Self.parse(bytes, splits: Array(1..<bytes.count)) == expected)
    }

    @Test("incomplete input consumes nothing")
    func incomplete() throws {
        var buffer = ByteBuffer(string: "*2\r\n$3\r\nfoo\r\n$3\r\nba")
        #expect(try RESPParser().parse(&buffer) == nil)
        #expect(buffer.readerIndex == 0)
    }

    @Test("malformed input throws", arguments: ["?x\r\n", ":12a\r\n", "$3\r\nabcd\r\n", "#x\r\n", "$-5\r\n"])
    func malformed(_ wire: String) {
        var buffer = ByteBuffer(string: wire)
        #expect(throws: RESPParsingError.self) { try RESPParser().parse(&buffer) }
    }

    @Test("nesting deeper than the limit throws")
    func tooDeep() {
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: 10) + ":1\r\n")
        #expect(throws: RESPParsingError.tooDeep) { try RESPParser(maxDepth: 5).parse(&buffer) }
    }

    @Test("commands encode as arrays of bulk strings")
    func encodeCommand() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(RESPCommand("SET", "key", "v\r\nx", 12), into: &buffer)
        #expect(String(buffer: buffer) == "*4\r\n$3\r\nSET\r\n$3\r\nkey\r\n$4\r\nv\r\nx\r\n$2\r\n12\r\n")
    }

    @Test("encoded values parse back")
    func roundTrip() throws {
        let values = Self.samples.flatMap(\.1)
        var buffer = ByteBuffer()
        for value in values { RESPEncoder.encode(value, into: &buffer) }
        #expect(try Self.parse(Array(buffer.readableBytesView), splits: []) == values)
    }
}
