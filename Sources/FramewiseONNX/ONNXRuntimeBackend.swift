import FramewiseCore
import Logging

/// The ONNX Runtime implementation of ``InferenceBackend``.
///
/// Creating a backend locates and loads the library (see ``ONNXRuntimeLibraryLocator``) and the
/// process-wide ORT environment, once per library for the life of the process; further backends
/// for the same library share it. Cheap to copy and safe to share between threads.
public struct ONNXRuntimeBackend: InferenceBackend {
    /// The configuration this backend was made with.
    public let configuration: ONNXRuntimeConfiguration
    /// Logs warnings about models (label "framewise.onnx" unless the caller passes its own).
    public let logger: Logger
    let environment: ORTEnvironment

    /// Loads ONNX Runtime. Throws ``ONNXRuntimeError/libraryNotFound(searched:)`` or
    /// ``ONNXRuntimeError/libraryLoadFailed(path:reason:)`` when it cannot.
    public init(configuration: ONNXRuntimeConfiguration = ONNXRuntimeConfiguration(),
                logger: Logger = Logger(label: "framewise.onnx")) throws(ONNXRuntimeError)
    {
        let path = try ONNXRuntimeLibraryLocator.locate(configuration: configuration)
        self.configuration = configuration
        self.logger = logger
        self.environment = try ORTEnvironment.shared(libraryPath: path, logSeverity: configuration.logSeverity)
    }

    /// Runs `body` with ONNX Runtime's error log lowered to debug (shown only with a debug log level).
    public func withErrorLogMuted<T>(_ body: () throws -> T) rethrows -> T {
        ORTLogging.muted.add(1, ordering: .relaxed)
        defer { ORTLogging.muted.subtract(1, ordering: .relaxed) }
        return try body()
    }

    /// The loaded library's path.
    public var libraryPath: String { environment.libraryPath }
    /// The loaded library's version, e.g. "1.31.1".
    public var version: String { environment.version }
    /// Execution providers compiled into the loaded library, e.g. `["CPUExecutionProvider"]`.
    public var availableProviders: [String] { environment.availableProviders }

    /// Loads the model at `path` as an ``ONNXRuntimeSession``, calling it `name` in errors and logs.
    public func makeSession(path: String, name: String, options: SessionOptions = SessionOptions())
        throws(ONNXRuntimeError) -> ONNXRuntimeSession
    {
        try ONNXRuntimeSession(environment: environment, path: path, name: name, options: options, logger: logger)
    }

    /// ``InferenceBackend`` conformance: ``makeSession(path:name:options:)``.
    public func loadSession(path: String, name: String, options: SessionOptions) throws -> any InferenceSession {
        try makeSession(path: path, name: name, options: options)
    }
}
