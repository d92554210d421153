import Foundation
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Nothing lost silently: every write checked, an interrupted run writes what finished.
extension CLITests {
    static let moderation = "examples/moderation/pipeline.yaml"

    static func carphone() throws -> String { try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4")) }

    static func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    @Test func resultsFileOnAFullDiskFailsNamingIt() throws {
        let r = try Self.framewise(["run", Self.moderation, try Self.carphone(), "-o", "/dev/full", "--quiet"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write results to /dev/full: No space left on device"), "\(r.stderr)")
    }

    @Test func jsonSummaryOnAFullDiskFails() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let r = try Self.framewise(["run", Self.moderation, try Self.carphone(), "-o", output, "--json", "/dev/full", "--quiet"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write --json /dev/full: No space left on device"), "\(r.stderr)")
        #expect(try Self.lines(output).count == 1, "the results were written")
    }

    @Test func standardOutputOnAFullDiskFails() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        defer { try? full.close() }
        // Results to standard output: the first line fails.
        let results = try RunningCLI.run(["run", Self.moderation, try Self.carphone(), "--quiet"], standardOutput: full)
        #expect(results.status == 1, "\(results.stderr)")
        #expect(results.stderr.contains("cannot write results to standard output: No space left on device"), "\(results.stderr)")
        // Results to a file, the summary to standard output: the file is complete, the summary's loss is reported.
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let summary = try RunningCLI.run(["run", Self.moderation, try Self.carphone(), "-o", output], standardOutput: full)
        #expect(summary.status == 1, "\(summary.stderr)")
        #expect(summary.stderr.contains("cannot write to standard output: No space left on device"), "\(summary.stderr)")
        #expect(try Self.lines(output).map { $0["status"] as? String } == ["ok"], "the results file was written whole")
    }

    @Test func closedPipeFails() throws {
        let pipe = Pipe()
        let cli = try RunningCLI(["run", Self.moderation, try Self.carphone(), "--videos", "3", "--max-in-flight", "1", "--quiet"],
                                 standardOutput: pipe.fileHandleForWriting)
        // The reader goes away before the first result (models load first): every write meets EPIPE.
        try pipe.fileHandleForReading.close()
        try pipe.fileHandleForWriting.close()
        let status = try cli.finish()
        #expect(status == 1, "\(cli.stderr)")
        #expect(cli.stderr.contains("cannot write results to standard output: Broken pipe"), "\(cli.stderr)")
    }

    @Test func outputInAFolderThatDoesNotExistSaysSo() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("nodir/sub/out.jsonl").path
        let r = try Self.framewise(["run", Self.moderation, try Self.carphone(), "-o", output])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write results to \(output): the folder \(dir.path)/nodir/sub does not exist"), "\(r.stderr)")
        #expect(!r.stderr.contains("permission"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nodir").path))
    }

    /// A FIFO nobody writes to: FFmpeg's open blocks on it forever, so its video never finishes
    /// and every video after it is held back by the in-order writer.
    static func stuckVideo(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("stuck.mp4").path
        #expect(mkfifo(path, 0o644) == 0)
        return path
    }

    @Test(arguments: ["streaming", "sequential"])
    func interruptWritesEveryFinishedVideoAndTheSummary(engine: String) throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Self.carphone()
        let cli = try RunningCLI(["run", Self.moderation, try Self.stuckVideo(in: dir), video, video, "-o", output,
                                  "--max-in-flight", "3", "--verbose", "--engine", engine])
        try cli.wait(for: "two videos to finish") { cli.stderr.contains("2 of 3 videos finished") }
        #expect(try Self.lines(output).isEmpty, "held back behind the first video")
        cli.send(SIGINT)
        let status = try cli.finish()
        #expect(status == 130, "\(cli.stderr)")
        #expect(cli.stderr.contains("interrupted: 2 of 3 written"), "\(cli.stderr)")
        let written = try Self.lines(output)
        #expect(written.map { $0["status"] as? String } == ["ok", "ok"])
        #expect(written.allSatisfy { $0["video"] as? String == video })
        let stats = written.compactMap { $0["stats"] as? [String: Any] }
        #expect(stats.count == 2 && stats.allSatisfy { ($0["wall_ms"] as? Double ?? 0) > 0 }, "wall_ms is measured: \(stats)")
        #expect(cli.stdout.contains("videos: 2 ok, 0 failed"), "the summary: \(cli.stdout)")
    }

    @Test func secondInterruptStopsAtOnce() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Results go to a pipe nobody reads: once its 64 KiB are full, writing the 40 held-back
        // results (~2.6 KB each) blocks for good, so only a second interrupt can end the run.
        let pipe = Pipe()
        let videos = Array(repeating: try Self.carphone(), count: 40)
        let cli = try RunningCLI(["run", Self.moderation, try Self.stuckVideo(in: dir)] + videos + ["--max-in-flight", "4", "--verbose"],
                                 standardOutput: pipe.fileHandleForWriting)
        try cli.wait(for: "40 videos to finish") { cli.stderr.contains("40 of 41 videos finished") }
        cli.send(SIGINT)
        try cli.wait(for: "the first interrupt") { cli.stderr.contains("interrupting: writing the videos that finished") }
        #expect(cli.process.isRunning, "stuck writing to the full pipe")
        cli.send(SIGINT)
        let status = try cli.finish(seconds: 30)
        #expect(status == 130, "\(cli.stderr)")
        #expect(cli.process.terminationReason == .exit)
        #expect(cli.stderr.contains("stopped at once: videos not yet written are lost"), "\(cli.stderr)")
        #expect(!cli.stderr.contains("interrupted: "), "it did not get to the end: \(cli.stderr)")
        try pipe.fileHandleForReading.close()
        try pipe.fileHandleForWriting.close()
    }
}
