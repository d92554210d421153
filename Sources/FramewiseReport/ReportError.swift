/// Why a report could not be made: which input, and what is wrong with it.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or option) at fault.
    public var input: String
    /// What is wrong, in words.
    public var reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "\(input): \(reason)" }
}
