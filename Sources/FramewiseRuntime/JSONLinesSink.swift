import Foundation
import FramewiseCore

/// Writes one JSON object per video per line to a file (or standard output), flushing each line.
public actor JSONLinesSink: ResultSink {
    private let handle: FileHandle
    private let closeOnFinish: Bool

    /// Writes to `path`, replacing it; nil writes to standard output.
    public init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            closeOnFinish = true
        } else {
            handle = FileHandle.standardOutput
            closeOnFinish = false
        }
    }

    public func write(_ result: VideoResult) async throws {
        var line = result.json.jsonText
        line += "\n"
        try handle.write(contentsOf: Data(line.utf8))
    }

    public func finish() async throws {
        if closeOnFinish { try handle.close() }
    }
}

/// Keeps results in memory (tests, the benchmark).
public actor MemorySink: ResultSink {
    public private(set) var results: [VideoResult] = []
    public init() {}
    public func write(_ result: VideoResult) async throws { results.append(result) }
    public func finish() async throws {}
}
