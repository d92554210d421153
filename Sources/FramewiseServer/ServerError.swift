import FramewiseApp

/// Why the server could not start. The CLI prints it and exits with `exitCode`.
public enum ServerError: Error, Sendable, CustomStringConvertible {
    /// An argument is wrong; `name` is the option as the user spells it.
    case invalidArgument(name: String, message: String)
    /// Listening beyond loopback with no token to require: refused.
    case unprotected(bind: String, database: String)
    /// A pipeline could not be built.
    case application(AppError)
    /// The job store could not be opened.
    case store(JobRepositoryError)

    public var description: String {
        switch self {
        case let .invalidArgument(name, message): "error: \(name): \(message)"
        case let .unprotected(bind, database):
            "error: refusing to listen on \(bind) without bearer tokens: anyone who reaches that address could submit jobs and read results. "
                + "Create a token first (framewise token create \(database) --name NAME), or bind to 127.0.0.1."
        case let .application(error): error.description
        case let .store(error): "error: \(error)"
        }
    }

    /// 2: bad input, nothing started; 1: a failure while starting.
    public var exitCode: Int32 {
        switch self {
        case .invalidArgument, .unprotected: 2
        case let .application(error): error.exitCode
        case .store: 1
        }
    }
}
