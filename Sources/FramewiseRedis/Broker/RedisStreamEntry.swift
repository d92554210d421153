import NIOCore

/// One stream entry as `XREADGROUP`, `XAUTOCLAIM` and `XRANGE` return it: `[id, [field, value, ...]]`.
struct RedisStreamEntry: Sendable {
    var id: String
    var fields: [String: RESPValue]

    /// The message payload field.
    var payload: ByteBuffer? {
        if case let .bulkString(b)? = fields["m"] { b } else { nil }
    }

    init?(_ value: RESPValue) {
        guard let parts = value.array, parts.count == 2, let id = parts[0].string else { return nil }
        self.id = id
        // Entries deleted while pending come back with a null field list.
        self.fields = parts[1].fields ?? [:]
    }

    /// The entries of an `XREADGROUP` reply for a single stream; none for a null (time-out) reply.
    static func fromReadGroup(_ reply: RESPValue) throws(RedisError) -> [RedisStreamEntry] {
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw .unexpectedReply(command: "XREADGROUP", reply: "\(reply)") }
        var out: [RedisStreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2, let entries = pair[1].array else {
                throw .unexpectedReply(command: "XREADGROUP", reply: "\(reply)")
            }
            out += entries.compactMap(RedisStreamEntry.init)
        }
        return out
    }
}
