import NIOCore

/// One value of the Redis serialization protocol (RESP2, plus the RESP3 types a server may send).
///
/// Bulk strings keep their bytes in a `ByteBuffer`, so payloads are not copied into `String`s
/// unless asked. RESP3 maps are presented flattened (`key, value, key, value, ...`), the way
/// RESP2 servers send them as arrays.
public enum RESPValue: Sendable, Equatable {
    /// `+OK`
    case simpleString(String)
    /// `-ERR message`: an error reply. It is a value here; `RedisConnection.send` turns it into
    /// `RedisError.server`.
    case error(String)
    /// `:42`
    case integer(Int64)
    /// `$5 hello`
    case bulkString(ByteBuffer)
    /// `$-1`, `*-1` (RESP2) or `_` (RESP3).
    case null
    /// `*2 ...`
    case array([RESPValue])
    /// RESP3 `,3.14`
    case double(Double)
    /// RESP3 `#t` / `#f`
    case boolean(Bool)
    /// RESP3 `(3492890328409238509324850943850943825024385`
    case bigNumber(String)
    /// RESP3 `%2 ...`, flattened to `[key, value, key, value]`.
    case map([RESPValue])
    /// RESP3 `~2 ...`
    case set([RESPValue])
    /// RESP3 `>2 ...`: out-of-band data, never a reply to a command.
    case push([RESPValue])
}

extension RESPValue {
    /// Builds a bulk string from UTF-8 text.
    public static func bulk(_ text: String) -> RESPValue {
        .bulkString(ByteBuffer(string: text))
    }
}
