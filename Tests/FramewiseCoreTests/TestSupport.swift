import Foundation
import FramewiseCore

/// A fresh temporary folder holding empty placeholder files (model files must exist for a pipeline to parse).
/// Call `remove()` when done (use `defer`).
struct TempDirectory {
    let path: String

    init(files: [String] = []) throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("framewise-core-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Strip any trailing slash so expected paths can be spelled as "\(path)/name".
        var p = url.path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        path = p
        for file in files { try touch(file) }
    }

    /// Creates an empty file (and its parent folders) at `relative` inside the folder.
    func touch(_ relative: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: Data("onnx".utf8)) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    func write(_ text: String, to relative: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Parses `yaml`, returning the thrown `PipelineError`, or nil when it parsed.
func pipelineError(_ yaml: String, file: String, baseDirectory: String) -> PipelineError? {
    do {
        _ = try PipelineLoader.parse(yaml: yaml, file: file, baseDirectory: baseDirectory)
        return nil
    } catch {
        return error
    }
}
