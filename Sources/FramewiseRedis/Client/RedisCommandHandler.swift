import NIOCore

/// Matches replies to requests in FIFO order, so that any number of requests can be in flight
/// on one connection (pipelining).
///
/// Each written `RedisRequest` is encoded into one buffer; its promise completes when as many
/// replies as it had commands have arrived. A time-out, a decoding error or the connection
/// closing fails every request still waiting, because later replies could no longer be matched.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var id: UInt64
        var request: RedisRequest
        var replies: [RESPValue]
        var timer: Scheduled<Void>?
    }

    private var waiting = CircularBuffer<Waiting>()
    private var nextID: UInt64 = 0
    /// Set once the connection can no longer be used; new requests fail with it at once.
    private var terminalError: RedisError?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let error = terminalError {
            request.promise.fail(error.withCommand(request.label))
            promise?.fail(error)
            return
        }
        if request.commands.isEmpty {
            request.promise.succeed([])
            promise?.succeed(())
            return
        }
        var buffer = context.channel.allocator.buffer(capacity: 64 * request.commands.count)
        RESPEncoder.encode(request.commands, into: &buffer)

        let id = nextID
        nextID &+= 1
        var entry = Waiting(id: id, request: request, replies: [], timer: nil)
        entry.replies.reserveCapacity(request.commands.count)
        if let timeout = request.timeout {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            entry.timer = context.eventLoop.scheduleTask(in: timeout.timeAmount) {
                let (handler, context) = bound.value
                handler.timedOut(id: id, after: timeout, context: context)
            }
        }
        waiting.append(entry)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let value = unwrapInboundIn(data)
        if case .push = value { return }  // RESP3 out-of-band data: not a reply.
        guard !waiting.isEmpty else {
            failAll(.protocolViolation("reply without a request: \(value)"), context: context)
            return
        }
        waiting[waiting.startIndex].replies.append(value)
        let head = waiting[waiting.startIndex]
        if head.replies.count == head.request.commands.count {
            waiting.removeFirst()
            head.timer?.cancel()
            head.request.promise.succeed(head.replies)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed(command: ""), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let redisError: RedisError = switch error {
        case let e as RedisError: e
        case let e as RESPParsingError: .protocolViolation(e.description)
        default: .io("\(error)")
        }
        failAll(redisError, context: context)
    }

    private func timedOut(id: UInt64, after: Duration, context: ChannelHandlerContext) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        let label = waiting[index].request.label
        let timeout = RedisError.timeout(command: label, after: after)
        // The timed-out request gets the time-out; those queued with it lose the connection.
        let entry = waiting.remove(at: index)
        entry.request.promise.fail(timeout)
        failAll(.connectionClosed(command: ""), context: context)
    }

    /// Fails every waiting request and, given a context, closes the channel.
    private func failAll(_ error: RedisError, context: ChannelHandlerContext?) {
        if terminalError == nil { terminalError = error }
        let all = waiting
        waiting.removeAll()
        for entry in all {
            entry.timer?.cancel()
            entry.request.promise.fail(error.withCommand(entry.request.label))
        }
        context?.close(promise: nil)
    }
}

extension RedisError {
    /// The same error naming `command` where the case carries one that was not known yet.
    func withCommand(_ command: String) -> RedisError {
        switch self {
        case .connectionClosed: .connectionClosed(command: command)
        default: self
        }
    }
}
