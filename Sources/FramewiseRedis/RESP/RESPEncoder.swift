import NIOCore

/// Writes commands in the form every Redis server accepts: an array of bulk strings
/// (`*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per argument).
public enum RESPEncoder {
    /// Appends `command` to `buffer`.
    public static func encode(_ command: RESPCommand, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("*")
        buffer.writeString(String(command.arguments.count))
        buffer.writeStaticString("\r\n")
        for argument in command.arguments {
            buffer.writeStaticString("$")
            buffer.writeString(String(argument.readableBytes))
            buffer.writeStaticString("\r\n")
            var copy = argument
            buffer.writeBuffer(&copy)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Appends every command of `commands` to `buffer`, in order (a pipeline).
    public static func encode(_ commands: [RESPCommand], into buffer: inout ByteBuffer) {
        for command in commands { encode(command, into: &buffer) }
    }
}

/// Encodes values (not commands): used by tests and fakes that play the server side.
extension RESPEncoder {
    /// Appends the wire form of `value` to `buffer` (RESP2 where the value has a RESP2 form).
    public static func encode(_ value: RESPValue, into buffer: inout ByteBuffer) {
        switch value {
        case let .simpleString(s): buffer.writeString("+\(s)\r\n")
        case let .error(s): buffer.writeString("-\(s)\r\n")
        case let .integer(i): buffer.writeString(":\(i)\r\n")
        case var .bulkString(b):
            buffer.writeString("$\(b.readableBytes)\r\n")
            buffer.writeBuffer(&b)
            buffer.writeStaticString("\r\n")
        case .null: buffer.writeStaticString("$-1\r\n")
        case let .double(d): buffer.writeString(",\(d)\r\n")
        case let .boolean(b): buffer.writeString(b ? "#t\r\n" : "#f\r\n")
        case let .bigNumber(s): buffer.writeString("(\(s)\r\n")
        case let .array(a): writeAggregate("*", a, into: &buffer)
        case let .set(a): writeAggregate("~", a, into: &buffer)
        case let .push(a): writeAggregate(">", a, into: &buffer)
        case let .map(a):
            buffer.writeString("%\(a.count / 2)\r\n")
            for v in a { encode(v, into: &buffer) }
        }
    }

    private static func writeAggregate(_ marker: String, _ items: [RESPValue], into buffer: inout ByteBuffer) {
        buffer.writeString("\(marker)\(items.count)\r\n")
        for item in items { encode(item, into: &buffer) }
    }
}
