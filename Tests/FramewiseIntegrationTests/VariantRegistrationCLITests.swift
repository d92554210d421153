import Foundation
import FramewiseCore
import FramewiseTesting
import Testing

/// `optimize` registers its variants in the pipeline file; a stage then runs one with `variant:`;
/// an unknown variant is refused naming the stage; a bare model is optimized as a one-stage pipeline.
@Suite struct VariantRegistrationCLITests {
    /// The moderation example copied to `dir` with its model paths made absolute.
    static func moderationCopy(in dir: URL) throws -> String {
        let text = try String(contentsOfFile: Examples.pipelinePath("moderation"), encoding: .utf8)
        let assets = Fixtures.projectRoot.appendingPathComponent("assets").path
        let path = dir.appendingPathComponent("moderation.yaml").path
        try text.replacingOccurrences(of: "../../assets", with: assets).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func optimizeRegistersVariantsThatStagesCanRun() throws {
        _ = try Fixtures.require(Fixtures.asset("models/open-nsfw.onnx"))
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.moderationCopy(in: dir)
        let before = try String(contentsOfFile: pipeline, encoding: .utf8)
        let r = try CLITests.framewise(["optimize", pipeline, "--variants", "clean", "--output", dir.path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("registered the variants in \(pipeline)"))
        let after = try String(contentsOfFile: pipeline, encoding: .utf8)
        // Only lines were added: every original line is still there, in order.
        let added = after.components(separatedBy: "\n").filter { !before.components(separatedBy: "\n").contains($0) }
        #expect(added == ["    variants:", "      clean: open-nsfw.clean.onnx", "    variants:", "      clean: centerface.clean.onnx"])

        var editor = YAMLTextEditor(text: after)
        try editor.set(["stages", "faces", "variant"], to: "clean")
        try editor.text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let spec = try PipelineLoader.load(path: pipeline)
        #expect(spec.model(named: "centerface")?.path == dir.appendingPathComponent("centerface.clean.onnx").path)
        #expect(spec.model(named: "nsfw")?.path.hasSuffix("assets/models/open-nsfw.onnx") == true)

        try editor.set(["stages", "nsfw", "variant"], to: "int8")
        try editor.text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let refused = try CLITests.framewise(["validate", pipeline])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("stage 'nsfw' names unknown variant 'int8' of model 'nsfw'"), "stderr: \(refused.stderr)")
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
