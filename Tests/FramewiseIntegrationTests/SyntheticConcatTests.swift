import Foundation
import FramewiseTesting
import Testing

/// The synthetic example's third model takes one input, the two upstream feature vectors
/// concatenated (`concat: [left.f1, right.f2]`): its results equal ONNX Runtime's in Python on
/// numpy's concatenation of the same features, and the two-input export of the same head.
@Suite struct SyntheticConcatTests {
    static let reference = """
        import json, sys
        import numpy as np, onnxruntime as ort
        models = sys.argv[2]
        one = ort.InferenceSession(models + "/m3_concat.onnx", providers=["CPUExecutionProvider"])
        two = ort.InferenceSession(models + "/m3.onnx", providers=["CPUExecutionProvider"])
        worst, frames = 0.0, 0
        for line in open(sys.argv[1]):
            for frame in json.loads(line)["frames"]:
                f1 = np.array([frame["left"]["f1"]], dtype=np.float32)
                f2 = np.array([frame["right"]["f2"]], dtype=np.float32)
                probs = np.array(frame["head"]["probs"], dtype=np.float32)
                a = one.run(None, {"features": np.concatenate([f1, f2], axis=1)})[0][0]
                b = two.run(None, {"a": f1, "b": f2})[0][0]
                worst = max(worst, float(np.abs(a - probs).max()), float(np.abs(b - probs).max()))
                frames += 1
        print(frames, worst)
        """

    @Test func concatJoinMatchesNumpyAndOnnxRuntime() throws {
        let models = try Fixtures.require(Fixtures.asset("models/synthetic/m3_concat.onnx"))
        let folder = URL(fileURLWithPath: models).deletingLastPathComponent().path
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The example with raw heads, so each stage's tensors are written.
        let example = try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("examples/synthetic/pipeline.yaml"), encoding: .utf8)
        var yaml = example.replacingOccurrences(of: "../../assets/models/synthetic", with: folder)
        yaml = yaml.replacingOccurrences(of: "    postprocess: {classify: {labels: [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9], top_k: 3}}\n", with: "")
        yaml = String(yaml[..<(yaml.range(of: "summary:")?.lowerBound ?? yaml.endIndex)])
        #expect(yaml.contains("input: {concat: [left.f1, right.f2], axis: 1}"), "the example uses the concat join")
        let pipeline = dir.appendingPathComponent("p.yaml").path
        try yaml.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let run = try CLITests.framewise(["run", pipeline, video, "-o", output, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Fixtures.require(Fixtures.python))
        process.arguments = ["-c", Self.reference, output, folder]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(process.terminationStatus == 0 && fields.count == 2, "\(text)")
        let frames = Int(fields.first ?? "") ?? 0, worst = Double(fields.last ?? "") ?? .infinity
        #expect(frames >= 4, "frames compared: \(text)")
        #expect(worst < 1e-5, "largest difference from the reference: \(worst)")
    }

    @Test func concatThatDoesNotFitTheModelFailsAtValidate() throws {
        let models = try Fixtures.require(Fixtures.asset("models/synthetic/m3_concat.onnx"))
        let folder = URL(fileURLWithPath: models).deletingLastPathComponent().path
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let example = try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("examples/synthetic/pipeline.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../../assets/models/synthetic", with: folder)
        let pipeline = dir.appendingPathComponent("p.yaml").path
        try example.replacingOccurrences(of: "[left.f1, right.f2]", with: "[left.f1, right.f2, left.f1]").write(toFile: pipeline, atomically: true, encoding: .utf8)
        let r = try CLITests.framewise(["validate", pipeline])
        #expect(r.status == 2, "\(r.stdout)")
        #expect(r.stderr.contains("p.yaml:23:") && r.stderr.contains("stages.head.input.concat"), "\(r.stderr)")
        #expect(r.stderr.contains("gives [N,48]") && r.stderr.contains("wants 32 on axis 1"), "\(r.stderr)")

        // The two-input export cannot take one concatenated input: said at load.
        try example.replacingOccurrences(of: "m3_concat.onnx", with: "m3.onnx").write(toFile: pipeline, atomically: true, encoding: .utf8)
        let two = try CLITests.framewise(["validate", pipeline])
        #expect(two.status == 2 && two.stderr.contains("model 'm3' has 2 inputs"), "\(two.stderr)")
    }
}
