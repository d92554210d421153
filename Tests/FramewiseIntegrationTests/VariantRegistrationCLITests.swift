import Foundation
import FramewiseCore
import FramewiseTesting
import Testing

/// `optimize` registers its variants in the pipeline file; a stage then runs one with `variant:`;
/// an unknown variant is refused naming the stage; a bare model is optimized as a one-stage pipeline.
@Suite struct VariantRegistrationCLITests {
    /// A one-stage pipeline over the fixture CNN (fixed 32x32 input) in `dir`.
    static func tinyPipeline(in dir: URL) throws -> String {
        let model = try Fixtures.require(OptimizeTests.onnx("cnn_dynamic.onnx"))
        let path = dir.appendingPathComponent("tiny.yaml").path
        try """
            name: tiny
            models:
              m:
                file: \(model)  # the fixture
                batch: 4
            stages:
              a:
                model: m
                input: frame

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func optimizeRegistersVariantsThatStagesCanRun() throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.tinyPipeline(in: dir)
        let before = try String(contentsOfFile: pipeline, encoding: .utf8)
        let r = try CLITests.framewise(["optimize", pipeline, "--variants", "clean,fp32-opt", "--output", dir.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("registered the variants in \(pipeline)"))
        let after = try String(contentsOfFile: pipeline, encoding: .utf8)
        // Only lines were added, under the model: every original line is still there, in order.
        var expected = before.components(separatedBy: "\n")
        expected.insert(contentsOf: ["    variants:", "      clean: cnn_dynamic.clean.onnx", "      fp32-opt: cnn_dynamic.fp32-opt.onnx"], at: 5)
        #expect(after.components(separatedBy: "\n") == expected)

        var editor = YAMLTextEditor(text: after)
        try editor.set(["stages", "a", "variant"], to: "fp32-opt")
        try editor.text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let spec = try PipelineLoader.load(path: pipeline)
        #expect(spec.model(named: "m")?.path == dir.appendingPathComponent("cnn_dynamic.fp32-opt.onnx").path)
        #expect(spec.model(named: "m")?.originalPath.hasSuffix(".fixtures/onnx/cnn_dynamic.onnx") == true)
        let ok = try CLITests.framewise(["validate", pipeline])
        #expect(ok.status == 0, "stderr: \(ok.stderr)")

        try editor.set(["stages", "a", "variant"], to: "int8")
        try editor.text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let refused = try CLITests.framewise(["validate", pipeline])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("stage 'a' names unknown variant 'int8' of model 'm'"), "stderr: \(refused.stderr)")
    }

    @Test func aBareModelIsOptimizedAsOneStage() throws {
        let model = try Fixtures.require(OptimizeTests.onnx("cnn_dynamic.onnx"))
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLITests.framewise(["optimize", model, "--variants", "clean", "--output", dir.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("model cnn_dynamic"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("cnn_dynamic.clean.onnx").path))
        #expect(!r.stdout.contains("registered"))
    }
}
