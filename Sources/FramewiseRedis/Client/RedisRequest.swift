import NIOCore

/// What `RedisConnection` writes into its channel: commands sent together, and the promise of
/// their replies (one per command, in order; error replies are values, not failures).
struct RedisRequest: Sendable {
    var commands: [RESPCommand]
    var promise: EventLoopPromise<[RESPValue]>
    /// Fail the request (and close the connection) when no full answer came within this span.
    var timeout: Duration?

    /// A short label for errors: the first command's name and how many follow.
    var label: String {
        let first = commands.first?.name ?? "(empty)"
        return commands.count > 1 ? "\(first) (+\(commands.count - 1) pipelined)" : first
    }
}
