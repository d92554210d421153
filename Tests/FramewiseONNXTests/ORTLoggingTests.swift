@testable import FramewiseONNX
import Logging
import Testing

/// ONNX Runtime's severities (OrtLoggingLevel: 0 verbose ... 4 fatal) as swift-log levels.
@Suite struct ORTLoggingTests {
    @Test(arguments: [(Int32(0), Logger.Level.debug), (1, .info), (2, .warning), (3, .error), (4, .critical)])
    func severityMapsToLevel(_ severity: Int32, _ level: Logger.Level) {
        #expect(ORTLogging.level(for: severity) == level)
    }
}
