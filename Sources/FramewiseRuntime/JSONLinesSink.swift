import Foundation
import FramewiseCore
#if canImport(Glibc)
import Glibc
#endif

/// Results could not be written: where to (a file, or standard output) and why (the system's reason,
/// e.g. "No space left on device", "Broken pipe", or a folder that does not exist).
public struct ResultWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or "standard output".
    public let destination: String
    /// Why, in words.
    public let reason: String

    public init(destination: String, reason: String) {
        self.destination = destination
        self.reason = reason
    }

    public var description: String { "cannot write results to \(destination): \(reason)" }
}

/// Writes one JSON object per video per line to a file (or standard output). Every line is
/// written whole with `write(2)` before the next (no buffering); a failed write (a full disk, a
/// closed pipe) is a `ResultWriteError` naming the file, never dropped.
public actor JSONLinesSink: ResultSink {
    private let descriptor: Int32
    private let destination: String
    private let closeOnFinish: Bool
    private var closed = false

    /// Writes to `path`, replacing it; nil writes to standard output. Throws a `ResultWriteError`
    /// saying why the file cannot be created (e.g. its folder does not exist).
    public init(path: String?) throws(ResultWriteError) {
        guard let path else {
            descriptor = STDOUT_FILENO
            destination = "standard output"
            closeOnFinish = false
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            throw ResultWriteError(destination: path, reason: "the folder \(folder) does not exist")
        }
        if !folder.isEmpty, !isFolder.boolValue {
            throw ResultWriteError(destination: path, reason: "\(folder) is not a folder")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultWriteError(destination: path, reason: Self.reason(errno)) }
        descriptor = fd
        destination = path
        closeOnFinish = true
    }

    deinit {
        if closeOnFinish, !closed { close(descriptor) }
    }

    public func write(_ result: VideoResult) async throws {
        try writeAll(Array((result.json.jsonText + "\n").utf8))
    }

    public func finish() async throws {
        guard closeOnFinish, !closed else { return }
        closed = true
        // close(2) reports errors of delayed writes (e.g. on network file systems).
        guard close(descriptor) == 0 else { throw ResultWriteError(destination: destination, reason: Self.reason(errno)) }
    }

    /// Writes every byte, retrying short writes and interruptions.
    private func writeAll(_ bytes: [UInt8]) throws(ResultWriteError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + offset, buffer.count - offset)
            }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw ResultWriteError(destination: destination, reason: Self.reason(errno)) }
            if n == 0 { throw ResultWriteError(destination: destination, reason: "nothing could be written") }
            offset += n
        }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Keeps results in memory (tests, the benchmark).
public actor MemorySink: ResultSink {
    public private(set) var results: [VideoResult] = []
    public init() {}
    public func write(_ result: VideoResult) async throws { results.append(result) }
    public func finish() async throws {}
}
