/// One problem found in a pipeline file: where, which field, and what is wrong.
public struct PipelineIssue: Sendable, Equatable, CustomStringConvertible {
    public var location: FileLocation
    /// Dotted path of the field (e.g. `stages.faces.model`).
    public var field: String
    public var message: String

    public init(location: FileLocation, field: String, message: String) {
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String { "\(location): \(field): \(message)" }
}

/// A pipeline file that cannot run, with every issue found. Nothing runs when this is thrown.
public struct PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var issues: [PipelineIssue]

    public init(file: String, issues: [PipelineIssue]) {
        self.file = file
        self.issues = issues
    }

    public var description: String {
        let head = "invalid pipeline \(file) (\(issues.count) issue\(issues.count == 1 ? "" : "s")):"
        return ([head] + issues.map { "  " + $0.description }).joined(separator: "\n")
    }
}
