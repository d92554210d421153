/// A stage output could not be turned into a blob or back: says which, how big the blob was,
/// and where in it the problem sits (the coding path, e.g. `crops[1].outputs[0].values`).
struct StageOutputCodingError: Error, Sendable, CustomStringConvertible {
    enum Operation: String, Sendable { case encode = "encoding", decode = "decoding" }

    let operation: Operation
    /// Size of the blob being decoded.
    let byteCount: Int?
    /// What went wrong, with its coding path.
    let message: String

    init(operation: Operation, byteCount: Int?, underlying: any Error) {
        self.operation = operation
        self.byteCount = byteCount
        self.message = Self.describe(underlying)
    }

    var description: String {
        let size = byteCount.map { " (\($0) bytes)" } ?? ""
        return "\(operation.rawValue) a stage output\(size): \(message)"
    }

    private static func describe(_ error: any Error) -> String {
        let (context, kind): (DecodingError.Context?, String)
        switch error {
        case let DecodingError.dataCorrupted(c): (context, kind) = (c, "corrupt data")
        case let DecodingError.keyNotFound(key, c): (context, kind) = (c, "missing key '\(key.stringValue)'")
        case let DecodingError.typeMismatch(type, c): (context, kind) = (c, "expected \(type)")
        case let DecodingError.valueNotFound(type, c): (context, kind) = (c, "missing \(type) value")
        case let EncodingError.invalidValue(value, c):
            return "invalid value \(value) at \(path(c.codingPath)): \(c.debugDescription)"
        default: return String(describing: error)
        }
        guard let context else { return kind }
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        return "\(kind) at \(path(context.codingPath)): \(context.debugDescription)\(underlying)"
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the top level" }
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }
}
