/// Why `framewise optimize` could not make or check a variant; each names the input at fault.
public struct OptimizeError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
