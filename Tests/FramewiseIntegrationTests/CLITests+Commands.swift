import Foundation
import FramewiseTesting
import Testing

/// Fail fast and name things once: the smaller commands as a new user first meets them.
extension CLITests {
    @Test func versionAndHelpTopics() throws {
        let version = try Self.framewise(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3, "\(version.stdout)")
        let unknown = try Self.framewise(["help", "nonsense"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown command 'nonsense'") && unknown.stderr.contains("run, serve, token, worker"), "\(unknown.stderr)")
        let known = try Self.framewise(["help", "run"])
        #expect(known.status == 0)
        #expect(known.stdout.contains("--fail-on-error") && known.stdout.contains("130 when interrupted"), "\(known.stdout)")
    }

    @Test func validateCountsStagesInWords() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try Self.framewise(["validate", try PlanIntegrationTests.tinyPipeline(in: dir)])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("ok (1 stage in 1 level)"), "\(one.stdout)")
        let two = try Self.framewise(["validate", Self.moderation])
        #expect(two.stdout.contains("ok (2 stages in 1 level)"), "\(two.stdout)")
    }

    @Test func decodeExpandsFolders() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("clips"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try Self.carphone(), toPath: dir.appendingPathComponent("clips/a.mp4").path)
        try "not a video".write(to: dir.appendingPathComponent("clips/readme.txt"), atomically: true, encoding: .utf8)
        let r = try Self.framewise(["decode", dir.appendingPathComponent("clips").path, "--sampling", "keyframes"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("Is a directory") && !r.stdout.contains("cannot open"), "\(r.stdout)")
        #expect(r.stdout.contains("1 video)"), "\(r.stdout)")
        let row = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("keyframes") })
        #expect((Int(row.split(separator: " ")[1]) ?? 0) > 0, "frames decoded from the folder's video: \(row)")
    }

    @Test func profileMergesIntoTheSavedProfile() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try PlanIntegrationTests.tinyPipeline(in: dir)
        let file = dir.appendingPathComponent("cnn.onnx.profile-test-cpu.json")
        func batches() throws -> [Int: Double] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
            let entries = json["entries"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: entries.compactMap { e in (e["batchSize"] as? Int).map { ($0, e["latencyMean"] as? Double ?? -1) } })
        }
        let first = try Self.framewise(["profile", pipeline, "--batches", "1", "2", "4", "--iterations", "2", "--device", "test-cpu"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try batches()
        #expect(before.keys.sorted() == [1, 2, 4])
        let second = try Self.framewise(["profile", pipeline, "--batches", "4", "8", "--iterations", "2", "--device", "test-cpu"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("(merged: batch sizes 1, 2 kept from the saved profile)"), "\(second.stdout)")
        let after = try batches()
        #expect(after.keys.sorted() == [1, 2, 4, 8], "nothing measured before is lost")
        #expect(after[1] == before[1] && after[2] == before[2], "kept as saved")
        #expect(after[4] != before[4], "batch 4 measured again: the newer measurement")
    }

    @Test func missingONNXRuntimeNamesTheOption() throws {
        let r = try Self.framewise(["validate", Self.moderation, "--ort-library", "/nonexistent/libonnxruntime.so"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--ort-library: /nonexistent/libonnxruntime.so does not exist"), "\(r.stderr)")
        #expect(!r.stderr.contains("ONNXRuntimeConfiguration"), "\(r.stderr)")
    }

    @Test func planExplainsWorkersAndListsEveryOne() throws {
        let help = try Self.framewise(["plan", "--help"])
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // help wraps at the terminal's width
        #expect(words.contains("(--rate <rate> | --devices <n>)"), "usage: \(help.stdout)")
        #expect(words.contains("a worker is one model instance running one batch at a time on the intra-op threads the engine gives it (one core on CPU"),
                "\(help.stdout)")

        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try PlanIntegrationTests.tinyPipeline(in: dir)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let profiled = try Self.framewise(["profile", pipeline, "--batches", "1", "4", "--iterations", "2", "--video", video, "--device", "test-cpu"])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        // A tiny model at a high rate, and decoding made expensive (10 ms CPU per video-second, whatever
        // this machine measured): decoding needs workers of its own.
        let decodeFile = URL(fileURLWithPath: pipeline + ".decode-profile-test-cpu.json")
        var decode = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: decodeFile)) as? [String: Any])
        decode["cpuSeconds"] = (decode["videoSeconds"] as? Double ?? 4) * 0.01
        try JSONSerialization.data(withJSONObject: decode).write(to: decodeFile)
        // And the model's cost pinned too (0.1 ms an item), so a busy machine's profile cannot fill every worker.
        let modelFile = dir.appendingPathComponent("cnn.onnx.profile-test-cpu.json")
        var model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: modelFile)) as? [String: Any])
        let entries = try #require(model["entries"] as? [[String: Any]])
        model["entries"] = entries.map { entry -> [String: Any] in
            var e = entry
            let seconds = Double(e["batchSize"] as? Int ?? 1) * 0.0001
            e["latencyMean"] = seconds
            e["latencyP99"] = seconds
            e["latencyStd"] = 0.0
            return e
        }
        model["preprocessSeconds"] = 0.00005
        model["postprocessSeconds"] = 0.00001
        try JSONSerialization.data(withJSONObject: model).write(to: modelFile)
        let r = try Self.framewise(["plan", pipeline, "--rate", "1000/s", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let total = try #require(lines.first { $0.hasPrefix("workers: ") }.flatMap { Int($0.dropFirst(9).prefix { $0.isNumber }) })
        let listed = lines.filter { $0.hasPrefix("  worker ") }
        #expect(listed.count == total, "every worker listed: \(r.stdout)")
        #expect(Set(listed.compactMap { Int($0.dropFirst(9).prefix { $0.isNumber }) }) == Set(0..<total))
        let decodeOnly = listed.filter { $0.contains(": decode only") }
        #expect(!decodeOnly.isEmpty, "\(r.stdout)")
        #expect(r.stdout.contains("(\(decodeOnly.count) decode-only)"), "\(r.stdout)")
    }
}
