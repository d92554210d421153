import CFFmpeg
import Foundation
import Logging
import Synchronization

/// Routes FFmpeg's log output (stderr by default) to swift-log under the label `framewise.ffmpeg`.
public enum FFmpegLogging {
    /// The logger FFmpeg's messages go to.
    static let logger = Logger(label: "framewise.ffmpeg")
    private static let installed = Mutex(false)
    /// Whether the next piece of a line starts a new line (FFmpeg's own print_prefix state).
    private static let printPrefix = Mutex<Int32>(1)

    /// Installs the log callback (once; later calls only change the level) and forwards messages
    /// at `level` or more severe. FFmpeg is chatty at `.info` and below.
    public static func install(level: Logger.Level = .warning) {
        av_log_set_level(avLevel(for: level))
        installed.withLock { done in
            guard !done else { return }
            done = true
            av_log_set_callback(ffmpegLogCallback)
        }
    }

    static func avLevel(for level: Logger.Level) -> Int32 {
        switch level {
        case .trace: AV_LOG_TRACE
        case .debug: AV_LOG_VERBOSE
        case .info: AV_LOG_INFO
        case .notice, .warning: AV_LOG_WARNING
        case .error: AV_LOG_ERROR
        case .critical: AV_LOG_FATAL
        }
    }

    static func loggerLevel(for avLevel: Int32) -> Logger.Level {
        switch avLevel {
        case ...AV_LOG_FATAL: .critical
        case ...AV_LOG_ERROR: .error
        case ...AV_LOG_WARNING: .warning
        case ...AV_LOG_INFO: .info
        case ...AV_LOG_VERBOSE: .debug
        default: .trace
        }
    }

    fileprivate static func log(_ avcl: UnsafeMutableRawPointer?, _ level: Int32,
                                 _ format: UnsafePointer<CChar>?, _ args: CVaListPointer?) {
        guard let format, let args, level <= av_log_get_level() else { return }
        var buffer = [CChar](repeating: 0, count: 1024)
        printPrefix.withLock { prefix in
            _ = fw_format_log_line(avcl, level, format, args, &buffer, Int32(buffer.count), &prefix)
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty else { return }
        logger.log(level: loggerLevel(for: level), "\(line)")
    }
}

private func ffmpegLogCallback(_ avcl: UnsafeMutableRawPointer?, _ level: Int32,
                               _ format: UnsafePointer<CChar>?, _ args: CVaListPointer?) {
    FFmpegLogging.log(avcl, level, format, args)
}
