import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The control plane on a small real ONNX model: profile it, plan from the saved profile, run the plan.
@Suite struct PlanIntegrationTests {
    /// A one-stage pipeline over a copy of the dynamic-batch CNN fixture, so the profile is written beside the copy.
    static func tinyPipeline(in dir: URL) throws -> String {
        let model = dir.appendingPathComponent("cnn.onnx")
        try FileManager.default.copyItem(atPath: try Fixtures.require(Fixtures.path("onnx/cnn_dynamic.onnx")), toPath: model.path)
        let yaml = """
            name: tiny
            sampling: {fps: 2}
            models:
              cnn:
                file: \(model.path)
                batch: 4
                preprocess:
                  size: [32, 32]
            stages:
              classify:
                model: cnn
                input: frame
                postprocess: raw
            """
        let path = dir.appendingPathComponent("tiny.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func profilerMeasuresEveryBatchSize() throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try LoadedPipeline(spec: PipelineLoader.load(path: Self.tinyPipeline(in: dir)), backend: Examples.backend())
        let stage = try #require(loaded.stages.first)
        let frames = try ProfileFrames.load(video: nil, sampling: loaded.spec.sampling)
        let m = try StageProfiler(configuration: .init(batches: [4, 1, 2, 2], iterations: 3, items: 4))
            .profile(stage: stage, frames: frames, frameSource: "synthetic")
        #expect(m.batches.map(\.batchSize) == [1, 2, 4])
        for b in m.batches {
            #expect(b.latencyMean > 0 && b.latencyP99 >= b.latencyMean * 0.5 && b.latencyStd >= 0, "batch \(b.batchSize)")
            #expect(b.memoryBytes > 0 && b.iterations == 3)
        }
        #expect(m.preprocessSeconds > 0 && m.postprocessSeconds > 0)
        #expect(m.modelHash == (try SHA256.hex(ofFile: stage.model.path)))
        #expect(m.modelHash.count == 64)
    }

    @Test func profilePlanAndRunThroughTheCLI() throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.tinyPipeline(in: dir)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let profiled = try CLITests.framewise(["profile", pipeline, "--batches", "1", "2", "4", "--iterations", "3", "--video", video, "--device", "test-cpu"])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        let file = dir.appendingPathComponent("cnn.onnx.profile-test-cpu.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        #expect(json["deviceName"] as? String == "test-cpu")
        #expect((json["modelHash"] as? String)?.count == 64)
        let entries = json["entries"] as? [[String: Any]] ?? []
        #expect(entries.compactMap { $0["batchSize"] as? Int } == [1, 2, 4])
        #expect(entries.allSatisfy { ($0["latencyMean"] as? Double ?? 0) > 0 && ($0["latencyP99"] as? Double ?? 0) > 0 })

        // The planner reads the profile back (by hash and device) and plans.
        let planFile = dir.appendingPathComponent("plan.json").path
        let planned = try CLITests.framewise(["plan", pipeline, "--rate", "3600/h", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu", "--json", planFile])
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(planned.stdout.contains("classify"), "\(planned.stdout)")
        #expect(planned.stdout.contains("lower bound"), "\(planned.stdout)")
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: planFile))) as? [String: Any] ?? [:]
        let rows = plan["rows"] as? [[String: Any]] ?? []
        #expect(rows.first?["stage"] as? String == "classify")
        #expect((rows.first?["batchSize"] as? Int ?? 0) >= 1)

        // --video also gave the decode cost, saved beside the pipeline; the plan counts it.
        let decodeFile = pipeline + ".decode-profile-test-cpu.json"
        let decode = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: decodeFile))) as? [String: Any] ?? [:]
        #expect(decode["videos"] as? Int == 1)
        #expect((decode["sampledFrames"] as? Int ?? 0) > 0 && (decode["videoSeconds"] as? Double ?? 0) > 0)
        #expect(decode["sampling"] as? String == SamplingPolicy.fps(2).description)
        #expect(planned.stdout.contains("decode: "), "\(planned.stdout)")
        #expect(planned.stdout.contains("decoding included"), "\(planned.stdout)")
        #expect(plan["decode"] is [String: Any], "the plan JSON carries decoding")
        let without = try CLITests.framewise(["plan", pipeline, "--rate", "3600/h", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu", "--no-decode"])
        #expect(without.status == 0 && without.stdout.contains("decoding not counted"), "\(without.stdout)")
        let onOne = try CLITests.framewise(["plan", pipeline, "--devices", "1", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu"])
        #expect(onOne.status == 0 && onOne.stdout.contains("highest rate found to fit 1 workers"), "\(onOne.stdout)\(onOne.stderr)")
        let both = try CLITests.framewise(["plan", pipeline, "--devices", "1", "--rate", "1/s", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu"])
        #expect(both.status != 0 && both.stderr.contains("either --rate or --devices"), "\(both.stderr)")

        // A device without profiles is an error that says what to do.
        let missing = try CLITests.framewise(["plan", pipeline, "--rate", "1/s", "--slo", "2s", "--device", "nowhere"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("framewise profile"), "\(missing.stderr)")

        // The plan runs.
        let output = dir.appendingPathComponent("out.jsonl").path
        let ran = try CLITests.framewise(["run", "--plan", planFile, pipeline, video, "--output", output])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("plan \(planFile): classify x"), "\(ran.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8).contains("\"ok\""))
        // Checked where the plan claims to hold: at 90% of its rate, with its SLO, in the same command.
        #expect(ran.stderr.contains("(90% of the plan's rate)"), "\(ran.stderr)")
        #expect(ran.stdout.contains("plan vs measured: the plan serves"), "\(ran.stdout)")
        #expect(ran.stdout.contains("frame p99: per-frame p99"), "\(ran.stdout)")
        #expect(ran.stdout.contains("SLO attainment: 100.0% of frames within the plan's 2 s"), "\(ran.stdout)")

        // The plan records its units: frames per video, video length from the decode profile, a worker's threads.
        #expect((plan["framesPerVideo"] as? Double ?? 0) > 0)
        #expect(abs((plan["videoSeconds"] as? Double ?? 0) - (decode["videoSeconds"] as? Double ?? -1)) < 1e-9, "one profiled video: its length")
        #expect(plan["threadsPerWorker"] as? Int == 1)
        #expect(planned.stdout.contains("the mean of the 1 profiled videos"), "\(planned.stdout)")
        #expect(planned.stdout.contains("frames/s"), "\(planned.stdout)")
        #expect((json["intraOpThreads"] as? Int) == 1, "the profile records the threads it measured with")

        // A profile measured with other threads than a worker runs with is refused, with the fix.
        var other = json
        other["intraOpThreads"] = 2
        try JSONSerialization.data(withJSONObject: other).write(to: file)
        let mixed = try CLITests.framewise(["plan", pipeline, "--rate", "3600/h", "--slo", "2s", "--device", "test-cpu", "--device-kind", "cpu"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("profiled with 2 intra-op thread(s), but the engine runs it with 1"), "\(mixed.stderr)")
        #expect(mixed.stderr.contains("framewise profile"), "\(mixed.stderr)")
    }
}
