import Foundation
import FramewiseCore
import FramewiseOptimize
import FramewisePlanner
import FramewiseTesting
import Testing

/// `framewise tune`: the seeded split, and the command end to end on the synthetic example.
@Suite struct TuneTests {
    @Test func theSplitIsRepeatableWithASeed() {
        let videos = (1...6).map { "/videos/v\($0).mp4" }
        let a = TuneRequest.split(videos, seed: 7)
        #expect(a == TuneRequest.split(videos.reversed(), seed: 7))  // the order given does not matter
        #expect(a.search.count == 3 && a.heldOut.count == 3)
        #expect(Set(a.search + a.heldOut) == Set(videos))
        let others = (0..<8).map { TuneRequest.split(videos, seed: UInt64($0)).search }
        #expect(Set(others).count > 1)  // seeds choose different halves
        #expect(TuneRequest.split(["/a", "/b", "/c"], seed: 1).search.count == 2)
    }

    /// The synthetic example (three tiny models, a concat join), two short videos: the command
    /// succeeds, splits as the seed says, prices both configurations, verifies on the held-out
    /// video and writes a tuned pipeline that loads.
    @Test func tuneTheSyntheticExample() throws {
        _ = try Fixtures.require(Fixtures.asset("models/synthetic/m3_concat.onnx"))
        let videos = [try Fixtures.require(Fixtures.path("media/h264.mp4")), try Fixtures.require(Fixtures.path("media/h264_gop5_b.mp4"))]
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("tuned.yaml").path
        let r = try CLITests.framewise(["tune", Examples.pipelinePath("synthetic")] + videos
                                       + ["--latency", "2s", "--min-agreement", "0.99", "--seed", "3", "--iterations", "2",
                                          "--accuracy-frames", "4", "--sampling", "1,2", "--price", "0.05", "--json", "--out", out])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let report = try JSONDecoder().decode(TuneReport.self, from: Data(r.stdout.utf8))
        let split = TuneRequest.split(videos, seed: 3)
        #expect(report.searchVideos == split.search && report.heldOutVideos == split.heldOut)
        #expect(report.stages.map(\.name) == ["left", "right", "head"])
        #expect(report.samplings.map(\.policy) == ["{fps: 1}", "{fps: 0.5}"])
        #expect(report.samplings.first?.agreement == 1)
        #expect(report.reference.stages.allSatisfy { $0.variant == "original" })
        #expect(report.reference.costPerVideo > 0 && report.tuned.costPerVideo > 0)
        #expect(report.tuned.costPerVideo <= report.reference.costPerVideo)
        #expect(report.tuned.dollarsPer1000Videos != nil)
        #expect(report.measuredReference.videos == 1 && report.measuredTuned.videos == 1)
        #expect(report.measuredReference.summaryAgreement == 1)
        #expect(report.measuredTuned.costPerVideo > 0)
        // Per video: predicted from the profiles, measured with each held-out video alone.
        #expect((report.tuned.videoLatency ?? 0) > report.tuned.latency)
        #expect((report.measuredTuned.predictedVideoLatency ?? 0) > 0 && (report.measuredReference.predictedVideoLatency ?? 0) > 0)
        #expect((report.measuredTuned.videoLatencyP50 ?? 0) > 0 && (report.measuredTuned.videoLatencyP99 ?? 0) >= (report.measuredTuned.videoLatencyP50 ?? 0))
        // A tuned choice is kept only if it agreed on the held-out video, else it fell back.
        #expect(report.tuned.sampling == "{fps: 1}" || report.measuredTuned.summaryAgreement >= 0.99)
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(written == report.tunedYAML)
        let base = URL(fileURLWithPath: Examples.pipelinePath("synthetic")).deletingLastPathComponent().path
        let spec = try PipelineLoader.parse(yaml: written, file: out, baseDirectory: base)
        #expect(spec.stages.count == 3)

        // The report shows the tuning as tables: one row per stage, both configurations.
        let json = dir.appendingPathComponent("tune.json")
        try r.stdout.write(to: json, atomically: true, encoding: .utf8)
        let page = dir.appendingPathComponent("tune.html").path
        let rendered = try CLITests.framewise(["report", "--tune", json.path, "-o", page])
        #expect(rendered.status == 0, "stderr: \(rendered.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("id=\"tune-stages\"") && html.contains("id=\"tune-configurations\""))
        #expect(html.components(separatedBy: "class=\"tune-stage\"").count - 1 == 3, "one row per stage")
        #expect(html.contains("data-configuration=\"reference\"") && html.contains("data-configuration=\"tuned\""))
        #expect(html.contains("video alone, predicted"))
        #expect(try CLITests.framewise(["report", "--tune", page, "-o", page + ".2"]).status == 2, "an HTML file is not a tuning: exit 2")

        let refused = try CLITests.framewise(["tune", Examples.pipelinePath("synthetic")] + videos + ["--latency", "2s", "--repeats", "0"])
        #expect(refused.status != 0 && refused.stderr.contains("--repeats"), "stderr: \(refused.stderr)")
    }
}
