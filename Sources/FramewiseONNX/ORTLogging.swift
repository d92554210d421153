import CONNXRuntime
import Logging
import Synchronization

/// Routes ONNX Runtime's own log (by default coloured lines on stderr) to swift-log under the label
/// `framewise.onnxruntime`, so the application's log handler decides what shows: ORT's verbose -> debug,
/// info -> info, warning -> warning, error -> error, fatal -> critical. ORT itself only sends messages at
/// or above `ONNXRuntimeConfiguration.logSeverity`.
enum ORTLogging {
    /// The logger ONNX Runtime's messages go to.
    static let logger = Logger(label: "framewise.onnxruntime")
    /// While above 0, ORT's errors log at debug: runs made to fail on purpose (the load-time
    /// probe) are reported by the caller, not as raw ORT lines.
    static let muted = Atomic<Int>(0)

    static func level(for severity: FWOrtLoggingLevel) -> Logger.Level {
        switch severity {
        case ...0: .debug
        case 1: .info
        case 2: .warning
        case 3: .error
        default: .critical
        }
    }

    /// The `OrtLoggingFunction` handed to `CreateEnvWithCustomLogger` (no parameter: one logger per process).
    static let callback: FWOrtLoggingFunction = { _, severity, category, _, location, message in
        let text = message.map { String(cString: $0) } ?? ""
        var metadata: Logger.Metadata = [:]
        if let category, category.pointee != 0 { metadata["category"] = .string(String(cString: category)) }
        if let location, location.pointee != 0 { metadata["location"] = .string(String(cString: location)) }
        let muted = ORTLogging.muted.load(ordering: .relaxed) > 0 && severity >= 3
        ORTLogging.logger.log(level: muted ? .debug : ORTLogging.level(for: severity), "\(text)", metadata: metadata)
    }
}
