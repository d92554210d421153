import Foundation
import FramewiseCore
#if canImport(Glibc)
import Glibc
#endif

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
        let fd = try CheckedWrite.open(path)
        descriptor = fd
        destination = path
        closeOnFinish = true
    }

    deinit {
        if closeOnFinish, !closed { close(descriptor) }
    }

    public func write(_ result: VideoResult) async throws {
        try CheckedWrite.all(Array((result.json.jsonText + "\n").utf8), to: descriptor, destination: destination)
    }

    public func finish() async throws {
        guard closeOnFinish, !closed else { return }
        closed = true
        try CheckedWrite.close(descriptor, destination: destination)
    }
}

/// Keeps results in memory (tests, the benchmark).
public actor MemorySink: ResultSink {
    public private(set) var results: [VideoResult] = []
    public init() {}
    public func write(_ result: VideoResult) async throws { results.append(result) }
    public func finish() async throws {}
}
