import NIOCore

/// A NIO decoder that turns the bytes a Redis server sends into `RESPValue`s, one per reply.
///
/// Wrap it in `ByteToMessageHandler`; it keeps unparsed bytes across reads, so a reply split
/// over many TCP segments (or many replies in one segment) is handled.
public struct RESPDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RESPValue

    private let parser: RESPParser

    /// A decoder using `parser`'s limits.
    public init(parser: RESPParser = RESPParser()) {
        self.parser = parser
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try parser.parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(value))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
