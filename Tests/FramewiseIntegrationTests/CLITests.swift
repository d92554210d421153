import Foundation
import FramewiseTesting
import Testing

/// `framewise run` as a user calls it: exit codes, JSONL lines, nothing run on a bad pipeline.
@Suite struct CLITests {
    static var binary: String { Fixtures.framewiseBinary }

    static func framewise(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Fixtures.require(binary))
        process.arguments = args
        process.currentDirectoryURL = Fixtures.projectRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func completedRunExitsZeroEvenWithFailedVideos() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let r = try Self.framewise(["run", "examples/moderation/pipeline.yaml", video, dir.appendingPathComponent("missing.mp4").path, "--output", output])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects[0]["status"] as? String == "ok")
        #expect((objects[0]["frames"] as? [Any])?.count == 8)
        #expect(objects[0]["summary"] is [String: Any])
        #expect(objects[1]["status"] as? String == "failed")
        #expect((objects[1]["error"] as? String)?.contains("missing.mp4") == true)
        #expect(r.stdout.contains("1 ok, 1 failed"), "summary printed: \(r.stdout)")
    }

    @Test func invalidPipelineExitsNonZeroAndRunsNothing() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = dir.appendingPathComponent("p.yaml").path
        try "models:\n  m:\n    file: nowhere.onnx\nstages:\n  s:\n    model: m\n    input: {crops: ghost}\n".write(toFile: pipeline, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let r = try Self.framewise(["run", pipeline, video, "--output", output])
        #expect(r.status == 2)
        #expect(r.stderr.contains("p.yaml:3:"), "names file and line: \(r.stderr)")
        #expect(r.stderr.contains("models.m.file"))
        #expect(!FileManager.default.fileExists(atPath: output), "nothing ran")
    }

    @Test func missingArgumentsAreRejected() throws {
        let r = try Self.framewise(["run", "examples/moderation/pipeline.yaml"])
        #expect(r.status != 0)
        #expect(r.stderr.lowercased().contains("input"))
    }
}
