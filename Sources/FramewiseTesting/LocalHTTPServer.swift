import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A local HTTP server on loopback for tests (scripts/python/test_http_server.py), started
/// on a free port and stopped after.
public final class LocalHTTPServer: @unchecked Sendable {
    let process = Process()
    public let port: Int
    public let root: URL

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fw-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for name in ["h264.mp4", "mpeg4.avi"] {
            try FileManager.default.copyItem(atPath: try Fixtures.require(Fixtures.path("media/\(name)")), toPath: root.appendingPathComponent(name).path)
        }
        let python = Fixtures.python
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: python) ? python : "/usr/bin/python3")
        process.arguments = [Fixtures.projectRoot.appendingPathComponent("scripts/python/test_http_server.py").path, root.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The first line is the port; reading it waits for the server to listen (no sleep).
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { process.terminate(); throw CancellationError() }
        self.port = port
    }

    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    public func stop() {
        // SIGKILL and reap directly: Foundation's waitUntilExit can hang inside a Swift Testing run.
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: root)
    }
}
