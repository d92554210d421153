import NIOCore

/// A command to send: its name and arguments, each sent as a bulk string.
///
/// `RESPCommand("XADD", key, "*", "m", payload)`; arguments are anything `RESPArgument`.
public struct RESPCommand: Sendable, Equatable {
    /// The command name followed by its arguments, as raw bytes.
    public var arguments: [ByteBuffer]

    /// A command from its name and arguments.
    public init(_ name: String, _ arguments: any RESPArgument...) {
        self.init(name, arguments: arguments)
    }

    /// A command from its name and an array of arguments.
    public init(_ name: String, arguments: [any RESPArgument]) {
        var all = [ByteBuffer(string: name)]
        all.reserveCapacity(arguments.count + 1)
        for argument in arguments { all.append(argument.respBytes) }
        self.arguments = all
    }

    /// The command name (first word), upper-cased, for errors and logs.
    public var name: String {
        arguments.first.map { String(buffer: $0).uppercased() } ?? ""
    }
}

/// A value that can be a command argument: sent as one bulk string.
public protocol RESPArgument: Sendable {
    /// The bytes sent for this argument.
    var respBytes: ByteBuffer { get }
}

extension String: RESPArgument {
    /// The UTF-8 bytes.
    public var respBytes: ByteBuffer { ByteBuffer(string: self) }
}

extension Substring: RESPArgument {
    /// The UTF-8 bytes.
    public var respBytes: ByteBuffer { ByteBuffer(substring: self) }
}

extension Int: RESPArgument {
    /// The decimal text.
    public var respBytes: ByteBuffer { ByteBuffer(string: String(self)) }
}

extension ByteBuffer: RESPArgument {
    /// The readable bytes themselves.
    public var respBytes: ByteBuffer { self }
}

extension Array: RESPArgument where Element == UInt8 {
    /// The bytes themselves.
    public var respBytes: ByteBuffer { ByteBuffer(bytes: self) }
}
