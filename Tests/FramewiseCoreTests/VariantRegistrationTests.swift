import Foundation
import FramewiseCore
import Testing

/// Model variants in a pipeline (`models.M.variants`, `stages.S.variant`) and the text editor
/// `optimize` and `tune` write pipeline files with.
@Suite struct VariantRegistrationTests {
    static let yaml = """
        name: v
        models:
          m:
            file: m.onnx  # the original
            variants:
              int8: m.int8.onnx
              fp32-opt: m.opt.onnx
        stages:
          a:
            model: m
            variant: int8
          b:
            model: m
            input: frame
            variant: int8
        """

    @Test func aStageRunsTheVariantItNames() throws {
        let dir = try TempDirectory(files: ["m.onnx", "m.int8.onnx", "m.opt.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: Self.yaml, file: "v.yaml", baseDirectory: dir.path)
        let model = try #require(spec.model(named: "m"))
        #expect(model.path == "\(dir.path)/m.int8.onnx")
        #expect(model.originalPath == "\(dir.path)/m.onnx")
        #expect(model.variant == "int8")
        #expect(model.variants == ["int8": "\(dir.path)/m.int8.onnx", "fp32-opt": "\(dir.path)/m.opt.onnx"])
        #expect(spec.stage(named: "a")?.variant == "int8")
        // `original` (or no variant) runs the file itself.
        let plain = Self.yaml.replacingOccurrences(of: "variant: int8", with: "variant: original")
        let original = try PipelineLoader.parse(yaml: plain, file: "v.yaml", baseDirectory: dir.path)
        #expect(original.model(named: "m")?.path == "\(dir.path)/m.onnx")
        #expect(original.model(named: "m")?.variant == nil)
    }

    @Test func anUnknownVariantIsRejectedNamingTheStage() throws {
        let dir = try TempDirectory(files: ["m.onnx", "m.int8.onnx", "m.opt.onnx"])
        defer { dir.remove() }
        let yaml = Self.yaml.replacingOccurrences(of: "  b:\n    model: m\n    input: frame\n    variant: int8", with: "  b:\n    model: m\n    input: frame\n    variant: fp16")
        let error = try #require(pipelineError(yaml, file: "v.yaml", baseDirectory: dir.path))
        let issue = try #require(error.issues.first)
        #expect(error.issues.count == 1)
        #expect(issue.field == "stages.b.variant")
        #expect(issue.message.contains("stage 'b' names unknown variant 'fp16' of model 'm'"))
        #expect(issue.message.contains("registered: original, fp32-opt, int8"))
        #expect(issue.location.line == 15)
    }

    @Test func stagesSharingAModelMustAgreeOnItsVariant() throws {
        let dir = try TempDirectory(files: ["m.onnx", "m.int8.onnx", "m.opt.onnx"])
        defer { dir.remove() }
        let yaml = Self.yaml.replacingOccurrences(of: "input: frame\n    variant: int8", with: "input: frame\n    variant: fp32-opt")
        let error = try #require(pipelineError(yaml, file: "v.yaml", baseDirectory: dir.path))
        #expect(error.issues.map(\.field) == ["stages.b.variant"])
        #expect(error.issues.first?.message.contains("stage 'a' runs 'int8'") == true)
    }

    @Test func aMissingVariantFileIsReported() throws {
        let dir = try TempDirectory(files: ["m.onnx", "m.int8.onnx"])
        defer { dir.remove() }
        let error = try #require(pipelineError(Self.yaml, file: "v.yaml", baseDirectory: dir.path))
        #expect(error.issues.map(\.field) == ["models.m.variants.fp32-opt"])
        #expect(error.issues.first?.message.contains("variant file not found") == true)
    }

    @Test func theEditorChangesOnlyTheKeysItSets() throws {
        let text = """
            # header
            name: v
            sampling: {fps: 2}  # two a second
            models:
              m:
                file: m.onnx
                batch: 8
                preprocess:
                  size: [320, 256]

              n:
                file: n.onnx
            stages:
              a: {model: m}
            """
        var editor = YAMLTextEditor(text: text)
        try editor.set(["sampling"], to: "{fps: 1}", comment: "tuned")
        try editor.set(["models", "m", "batch"], to: "4")
        try editor.set(["models", "m", "preprocess", "size"], to: "[256, 192]")
        try editor.set(["models", "m", "variants", "int8"], to: "m.int8.onnx", comment: "F1 1.000")
        try editor.set(["models", "n", "threads"], to: "1")
        try editor.set(["models", "m", "variants", "clean"], to: "m.clean.onnx")
        #expect(editor.text == """
            # header
            name: v
            sampling: {fps: 1}  # tuned
            models:
              m:
                file: m.onnx
                batch: 4
                preprocess:
                  size: [256, 192]
                variants:
                  int8: m.int8.onnx  # F1 1.000
                  clean: m.clean.onnx

              n:
                file: n.onnx
                threads: 1
            stages:
              a: {model: m}
            """)
        // Replacing a block value replaces the whole block.
        try editor.set(["models", "m", "variants"], to: "{}")
        #expect(editor.text.contains("    variants: {}\n\n  n:"))
        #expect(throws: YAMLTextEditor.EditError.self) { try editor.set(["stages", "a", "variant"], to: "int8") }
    }
}
