import Foundation
import FramewiseTesting
import Testing

/// Output fields that mean what they say: which frame each entry is, what the video is, and
/// per-video batch counts that add up as the run's do.
extension CLITests {
    @Test(arguments: ["streaming", "sequential"])
    func eachResultNamesItsFramesVideoAndPipeline(engine: String) throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("out.jsonl").path
        let summary = dir.appendingPathComponent("run.json").path
        let r = try Self.framewise(["run", Self.moderation, try Self.carphone(), "-o", output, "--json", summary, "--engine", engine, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(try Self.lines(output).first)
        #expect(line["pipeline"] as? String == "moderation")
        let media = try #require(line["media"] as? [String: Any])
        #expect(media["width"] as? Int == 176 && media["height"] as? Int == 144 && media["codec"] as? String == "h264", "\(media)")
        #expect(abs((media["fps"] as? Double ?? 0) - 29.97) < 0.01 && abs((media["duration"] as? Double ?? 0) - 4.004) < 0.01, "\(media)")
        // `index` is the sample number, `source_frame` the frame's number in the stream (2 fps of 29.97).
        let frames = try #require(line["frames"] as? [[String: Any]])
        #expect(frames.map { $0["index"] as? Int } == Array(0..<8))
        #expect(frames.map { $0["source_frame"] as? Int } == [0, 15, 30, 45, 60, 75, 90, 105], "\(frames.map { $0["source_frame"] ?? "-" })")
        // One video: every batch is its own, so its batch counts are the run's.
        guard engine == "streaming" else { return }
        let run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        let totals = try #require(run["stages"] as? [String: [String: Any]])
        let perVideo = try #require((line["stats"] as? [String: Any])?["stages"] as? [String: [String: Any]])
        for stage in ["nsfw", "faces"] {
            #expect(perVideo[stage]?["items"] as? Int == 8)
            #expect(perVideo[stage]?["batches"] as? Int == totals[stage]?["batches"] as? Int, "\(stage): \(perVideo[stage] ?? [:]) vs \(totals[stage] ?? [:])")
        }
    }
}
