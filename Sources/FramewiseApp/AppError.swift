import FramewiseCore

/// What the application layer refuses or fails at, with the input it concerns. Front ends map it:
/// the CLI to a message and an exit code, the server to a 4xx/5xx with a JSON error.
public enum AppError: Error, Sendable, CustomStringConvertible {
    /// The pipeline file or its models are invalid (every issue, with file:line:field).
    case invalidPipeline(PipelineError)
    /// ONNX Runtime could not be loaded or a model could not be opened.
    case modelRuntime(String)
    /// An argument or a configuration value is wrong; `name` is the knob, as the user spells it.
    case invalidArgument(name: String, message: String)
    /// Something needed is missing (e.g. a profile), with what to do about it.
    case missing(String)
    /// A file could not be read or written.
    case file(path: String, message: String)
    /// The planner found no plan.
    case noPlan(String)
    /// A server the command needs (e.g. Redis) does not answer.
    case unreachable(String)

    public var description: String {
        switch self {
        case let .invalidPipeline(error): error.description
        case let .modelRuntime(message): "error: \(message)"
        case let .invalidArgument(name, message): "error: \(name): \(message)"
        case let .missing(message): "error: \(message)"
        case let .file(path, message): "error: \(path): \(message)"
        case let .noPlan(message): "error: \(message)"
        case let .unreachable(message): "error: \(message)"
        }
    }

    /// The exit status a command line reports: 2 for bad input (nothing ran), 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .invalidPipeline, .modelRuntime, .invalidArgument, .missing: 2
        case .file, .noPlan, .unreachable: 1
        }
    }
}
