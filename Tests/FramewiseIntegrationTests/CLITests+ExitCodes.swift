import Foundation
import FramewiseTesting
import Testing

/// Honest exit codes and summaries.
extension CLITests {
    @Test func everyVideoFailedExitsOneAndIsNotThroughput() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let r = try Self.framewise(["run", Self.moderation, dir.appendingPathComponent("a.mp4").path, dir.appendingPathComponent("b.mp4").path,
                                    "-o", output])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error: every video failed (2 of 2)"), "\(r.stderr)")
        #expect(r.stdout.contains("videos: 0 ok, 2 failed"), "\(r.stdout)")
        #expect(r.stdout.contains("0.00 videos/s (ok videos only, 2 failed not counted)"), "\(r.stdout)")
        #expect(try Self.lines(output).map { $0["status"] as? String } == ["failed", "failed"], "the failures are written")
    }

    @Test func failOnErrorExitsOneWhenAnyVideoFails() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let missing = dir.appendingPathComponent("missing.mp4").path
        let r = try Self.framewise(["run", Self.moderation, try Self.carphone(), missing, "-o", output, "--fail-on-error"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("error: 1 of 2 videos failed (--fail-on-error)"), "\(r.stderr)")
        #expect(r.stdout.contains("videos/s (ok videos only, 1 failed not counted)"), "\(r.stdout)")
        #expect(try Self.lines(output).map { $0["status"] as? String } == ["ok", "failed"])
    }

    @Test(arguments: [
        (["run", "examples/moderation/pipeline.yaml"], "Missing expected argument '<inputs> ...'"),
        (["run", "examples/moderation/pipeline.yaml", "v.mp4", "--max-in-flight", "-1"], "--max-in-flight must be at least 1, got -1"),
        (["run", "examples/moderation/pipeline.yaml", "v.mp4", "--concurrency", "-1"], "--concurrency (now --max-in-flight) must be at least 1, got -1"),
        (["run", "examples/moderation/pipeline.yaml", "v.mp4", "--instances", "0"], "--instances must be at least 1, got 0"),
        (["run", "examples/moderation/pipeline.yaml", "v.mp4", "--no-such-flag"], "Unknown option '--no-such-flag'"),
        (["plan", "examples/moderation/pipeline.yaml", "--slo", "2s"], "give either --rate or --devices"),
    ])
    func usageErrorsExitTwo(args: [String], message: String) throws {
        let r = try Self.framewise(args)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"), "a negative number is a value: \(r.stderr)")
    }

    @Test func textFileIsNotAVideoUnlessAsked() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Enough lines of text that FFmpeg's probe picks its tty demuxer (text rendered as video).
        let text = dir.appendingPathComponent("notes.txt").path
        try String(repeating: "These are meeting notes, not a video. Nothing to see here.\n", count: 200)
            .write(toFile: text, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out.jsonl").path
        let refused = try Self.framewise(["run", Self.moderation, text, "-o", output])
        #expect(refused.status == 1, "\(refused.stderr)")
        let line = try #require(try Self.lines(output).first)
        #expect(line["status"] as? String == "failed")
        let error = line["error"] as? String ?? ""
        #expect(error.contains("not a video container: \(text)"), "\(error)")
        #expect(error.contains("'tty' demuxer") && error.contains("--allow-any-demuxer"), "\(error)")

        let allowed = try Self.framewise(["run", Self.moderation, text, "-o", output, "--allow-any-demuxer"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try Self.lines(output).first?["status"] as? String == "ok")
    }
}
