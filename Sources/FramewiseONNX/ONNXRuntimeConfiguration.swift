/// How FramewiseONNX finds and sets up ONNX Runtime.
///
/// The library is located, in order: `libraryPath` when set, then the environment variable
/// `ORT_DYLIB_PATH`, then a project virtual environment (`.venv/lib/python3*/site-packages/
/// onnxruntime/capi/libonnxruntime.so*`) found by walking up from the current directory and from
/// the executable's directory. See ``ONNXRuntimeLibraryLocator``.
public struct ONNXRuntimeConfiguration: Sendable, Codable, Equatable {
    /// The minimum severity ONNX Runtime passes on; its messages go to swift-log (`framewise.onnxruntime`),
    /// where the log handler's level decides what shows.
    public enum LogSeverity: Int32, Sendable, Codable, CaseIterable {
        case verbose = 0, info, warning, error, fatal
    }

    /// Path of `libonnxruntime.so`; `nil` (the default) searches as described above.
    public var libraryPath: String?
    /// ONNX Runtime's own log level. Default `.warning`. The first backend that loads a given
    /// library creates its process-wide environment, so later values for that library are ignored.
    public var logSeverity: LogSeverity

    /// A configuration; the defaults search for the library and log warnings and worse.
    public init(libraryPath: String? = nil, logSeverity: LogSeverity = .warning) {
        self.libraryPath = libraryPath
        self.logSeverity = logSeverity
    }
}
