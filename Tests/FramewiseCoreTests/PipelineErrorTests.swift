import Foundation
import FramewiseCore
import Testing

/// A pipeline file that must be rejected, with the field and the 1-based line of the problem.
struct BadPipeline: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let field: String
    let line: Int
    var testDescription: String { name }
}

/// Model files that exist in the base directory of every bad pipeline.
private let existingModels = ["a.onnx", "b.onnx"]
private let badFileName = "broken-pipeline.yaml"

private let badPipelines: [BadPipeline] = [
    BadPipeline(name: "a CTC minimum score beyond 1", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          rec:
            model: m
            postprocess: {ctc: {min_score: 1.5}}
        """, field: "stages.rec.postprocess.ctc.min_score", line: 7),
    BadPipeline(name: "unknown model reference", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: nope
        """, field: "stages.s.model", line: 6),
    BadPipeline(name: "unknown crops stage", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          det:
            model: m
            postprocess: yolo
          rec:
            model: m
            input: {crops: ghost}
        """, field: "stages.rec.input.crops", line: 10),
    BadPipeline(name: "cycle through tensors", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          a:
            model: m
            input: {tensors: {x: b.out}}
          b:
            model: m
            input: {tensors: {y: a}}
        """, field: "stages.a.input", line: 7),
    BadPipeline(name: "crops from a stage without boxes", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          cls:
            model: m
            postprocess: {classify: {labels: [x, y]}}
          rec:
            model: m
            input: {crops: cls}
        """, field: "stages.rec.input.crops", line: 10),
    BadPipeline(name: "missing model file", yaml: """
        models:
          m:
            file: a.onnx
          n:
            file: not-there.onnx
        stages:
          s:
            model: m
        """, field: "models.n.file", line: 5),
    BadPipeline(name: "unknown top-level key", yaml: """
        models:
          m:
            file: a.onnx
        stagez:
          s:
            model: m
        """, field: "stagez", line: 4),
    BadPipeline(name: "batch is not an integer", yaml: """
        models:
          m:
            file: a.onnx
            batch: "eight"
        stages:
          s:
            model: m
        """, field: "models.m.batch", line: 4),
    BadPipeline(name: "batch below 1", yaml: """
        models:
          m:
            file: a.onnx
            batch: 0
        stages:
          s:
            model: m
        """, field: "models.m.batch", line: 4),
    BadPipeline(name: "unknown sampling", yaml: """
        name: x
        sampling: sometimes
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
        """, field: "sampling", line: 2),
    BadPipeline(name: "negative fps", yaml: """
        sampling: {fps: -1}
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
        """, field: "sampling.fps", line: 1),
    BadPipeline(name: "std containing 0", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              std: [0.5, 0, 0.5]
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.std", line: 6),
    BadPipeline(name: "mean with 2 numbers", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              mean: [0.5, 0.5]
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.mean", line: 6),
    BadPipeline(name: "size with 3 numbers", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224, 3]
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.size", line: 5),
    BadPipeline(name: "unknown resize", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: squash
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize", line: 6),
    BadPipeline(name: "crop larger than the stretched image", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [200, 256], crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 6),
    BadPipeline(name: "short side smaller than the crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {short_side: 200, crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 6),
    BadPipeline(name: "old short_side_crop smaller than the crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {short_side_crop: 100}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize", line: 6),
    BadPipeline(name: "short side without crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {short_side: 256}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize", line: 6),
    BadPipeline(name: "stretch to another size without crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [256, 256]}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize", line: 6),
    BadPipeline(name: "letterbox canvas smaller than the crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {letterbox: center, to: [300, 200], crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 6),
    BadPipeline(name: "unknown crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [256, 256], crop: left}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 6),
    BadPipeline(name: "two resize steps", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [256, 256], short_side: 256, crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize", line: 6),
    BadPipeline(name: "unknown key in resize", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {letterbox: center, padding: 3}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.padding", line: 6),
    BadPipeline(name: "crop on the old short_side_crop", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {short_side_crop: 256, crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 6),
    BadPipeline(name: "stretch size with 1 number", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [256], crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.stretch", line: 6),
    BadPipeline(name: "stretch size not whole", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize: {stretch: [256.5, 256], crop: center}
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.stretch", line: 6),
    BadPipeline(name: "crop larger than the stretch, block style", yaml: """
        models:
          m:
            file: a.onnx
            preprocess:
              size: [224, 224]
              resize:
                stretch: [256, 100]
                crop: center
        stages:
          s:
            model: m
        """, field: "models.m.preprocess.resize.crop", line: 8),
    BadPipeline(name: "unknown provider", yaml: """
        models:
          m:
            file: a.onnx
            providers: [metal, cpu]
        stages:
          s:
            model: m
        """, field: "models.m.providers", line: 4),
    BadPipeline(name: "invalid YAML syntax", yaml: """
        models:
          m:
            file: a.onnx
          bad: value: other
        stages:
          s:
            model: m
        """, field: "", line: 4),
    BadPipeline(name: "empty file", yaml: "", field: "", line: 0),
    BadPipeline(name: "summary referencing unknown stage", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
        summary:
          faces:
            stage: ghost
            value: count
            reduce: max
        """, field: "summary.faces.stage", line: 9),
    BadPipeline(name: "unknown reduce", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
        summary:
          faces:
            stage: s
            value: count
            reduce: median
        """, field: "summary.faces.reduce", line: 11),
    BadPipeline(name: "unknown postprocess", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
            postprocess: {segment: {}}
        """, field: "stages.s.postprocess", line: 7),
    BadPipeline(name: "unknown stage field", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
            modle: m
        """, field: "stages.s.modle", line: 7),
    BadPipeline(name: "stage without model", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s: {input: frame}
        """, field: "stages.s.model", line: 5),
    BadPipeline(name: "tensor join from an unknown stage", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: m
          j:
            model: m
            input: {tensors: {x: s, y: nowhere.out}}
        """, field: "stages.j.input.tensors.y", line: 9),
    BadPipeline(name: "orient stage that is not a classifier", yaml: """
        models:
          m:
            file: a.onnx
        stages:
          det:
            model: m
            postprocess: centerface
          other:
            model: m
            input: {crops: det}
          rec:
            model: m
            input: {crops: det, orient: other}
        """, field: "stages.rec.input.orient", line: 13),
    BadPipeline(name: "tensor-fed model that also preprocesses", yaml: """
        models:
          m:
            file: a.onnx
          fuse:
            file: b.onnx
            preprocess: {size: [8, 8]}
        stages:
          s:
            model: m
          j:
            model: fuse
            input: {tensors: {x: s}}
        """, field: "models.fuse.preprocess", line: 6),
]

@Suite("Rejecting bad pipelines")
struct PipelineErrorTests {
    @Test(arguments: badPipelines)
    func rejectsWithFieldAndLine(_ bad: BadPipeline) throws {
        let dir = try TempDirectory(files: existingModels)
        defer { dir.remove() }
        let error = try #require(pipelineError(bad.yaml, file: badFileName, baseDirectory: dir.path),
                                 "\(bad.name) must be rejected")
        #expect(error.file == badFileName)
        #expect(!error.issues.isEmpty)
        let matching = error.issues.filter { $0.field == bad.field }
        #expect(!matching.isEmpty, "no issue for field '\(bad.field)' in:\n\(error)")
        #expect(matching.contains { $0.location.line == bad.line },
                "issue for '\(bad.field)' should be on line \(bad.line), got \(matching.map(\.location.line)):\n\(error)")
        #expect(matching.allSatisfy { $0.location.file == badFileName })
        #expect(matching.allSatisfy { !$0.message.isEmpty })
        #expect(error.description.contains(badFileName))
        if bad.line > 0 {
            #expect(error.description.contains("\(badFileName):\(bad.line):"), "\(error)")
        }
    }

    /// The expected line numbers above are counted by hand; cross-check that the YAML really has
    /// that many lines, so a miscounted case cannot pass by pointing past the end.
    @Test(arguments: badPipelines)
    func expectedLineExistsInTheText(_ bad: BadPipeline) {
        let lineCount = bad.yaml.isEmpty ? 0 : bad.yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(bad.line <= lineCount)
    }

    @Test func invalidYAMLMessageSaysSo() throws {
        let error = try #require(pipelineError("a: [1, 2\nb: 3\n", file: "syntax.yaml", baseDirectory: "/"))
        try #require(error.issues.count == 1)
        #expect(error.issues[0].message.contains("YAML"))
        #expect(error.issues[0].location.line >= 1)
    }

    @Test func commentOnlyFileIsEmpty() throws {
        let error = try #require(pipelineError("# nothing here\n", file: "empty.yaml", baseDirectory: "/"))
        try #require(error.issues.count == 1)
        #expect(error.issues[0].message.contains("empty"))
        #expect(error.description.contains("empty.yaml"))
    }

    @Test func topLevelMustBeAMapping() throws {
        let error = try #require(pipelineError("- just\n- a list\n", file: "list.yaml", baseDirectory: "/"))
        #expect(error.issues.contains { $0.field == "" && $0.location.line == 1 })
        #expect(error.issues.contains { $0.field == "models" })
        #expect(error.issues.contains { $0.field == "stages" })
    }

    @Test func missingModelFileNamesTheResolvedPath() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: sub/missing.onnx
        stages:
          s:
            model: m
        """
        let error = try #require(pipelineError(yaml, file: "p.yaml", baseDirectory: dir.path))
        let issue = try #require(error.issues.first { $0.field == "models.m.file" })
        #expect(issue.message.contains("\(dir.path)/sub/missing.onnx"))
    }

    @Test func aFolderIsNotAModelFile() throws {
        let dir = try TempDirectory(files: ["folder.onnx/inside"])
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: folder.onnx
        stages:
          s:
            model: m
        """
        let error = try #require(pipelineError(yaml, file: "p.yaml", baseDirectory: dir.path))
        #expect(error.issues.contains { $0.field == "models.m.file" && $0.location.line == 3 })
    }

    /// A field whose value is a block mapping is reported on the line of its key, where it was written.
    @Test func blockMappingFieldsAreReportedAtTheirKey() throws {
        let dir = try TempDirectory(files: existingModels)
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: a.onnx
          fuse:
            file: b.onnx
            preprocess:
              size: [8, 8]
              layout: nchw
        stages:
          s:
            model: m
          j:
            model: fuse
            input:
              tensors:
                x: s
        """
        let error = try #require(pipelineError(yaml, file: "block.yaml", baseDirectory: dir.path))
        let issue = try #require(error.issues.first { $0.field == "models.fuse.preprocess" }, "\(error)")
        #expect(issue.location.line == 6)
    }

    @Test func parseIssuesAreAllReportedTogether() throws {
        let dir = try TempDirectory(files: existingModels)
        defer { dir.remove() }
        let yaml = """
        sampling: sometimes
        models:
          m:
            file: a.onnx
            batch: eight
            preprocess:
              size: [1, 2, 3]
          n:
            file: b.onnx
            preprocess:
              size: [8, 8]
              std: [0.5, 0, 1]
          o:
            file: gone.onnx
        stagez:
          s:
            model: m
        """
        let error = try #require(pipelineError(yaml, file: "many.yaml", baseDirectory: dir.path))
        let expected: [(String, Int)] = [
            ("sampling", 1),
            ("models.m.batch", 5),
            ("models.m.preprocess.size", 7),
            ("models.n.preprocess.std", 12),
            ("models.o.file", 14),
            ("stagez", 15),
        ]
        for (field, line) in expected {
            #expect(error.issues.contains { $0.field == field && $0.location.line == line },
                    "missing \(field) at line \(line) in:\n\(error)")
        }
        #expect(error.issues.contains { $0.field == "stages" }, "the misspelt stages leave none")
        #expect(error.issues.count >= expected.count + 1)
        #expect(error.description.contains("\(error.issues.count) issues"))
    }

    @Test func validationIssuesAreAllReportedTogether() throws {
        let dir = try TempDirectory(files: existingModels)
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: a.onnx
        stages:
          s:
            model: nope
          c:
            model: m
            input: {crops: ghost}
        summary:
          total:
            stage: nowhere
            value: count
        """
        let error = try #require(pipelineError(yaml, file: "many.yaml", baseDirectory: dir.path))
        let expected: [(String, Int)] = [
            ("stages.s.model", 6),
            ("stages.c.input.crops", 9),
            ("summary.total.stage", 12),
        ]
        for (field, line) in expected {
            #expect(error.issues.contains { $0.field == field && $0.location.line == line },
                    "missing \(field) at line \(line) in:\n\(error)")
        }
        #expect(error.issues.count == expected.count)
    }

    @Test func validatorAloneFindsACycleInCodeBuiltSpecs() {
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "m", path: "/m")], stages: [
            StageSpec(name: "a", model: "m", input: .tensors([TensorBinding(input: "x", stage: "c")])),
            StageSpec(name: "b", model: "m", input: .tensors([TensorBinding(input: "x", stage: "a")])),
            StageSpec(name: "c", model: "m", input: .tensors([TensorBinding(input: "x", stage: "b")])),
        ])
        let issues = PipelineValidator.validate(spec)
        let cycle = issues.filter { $0.message.contains("cycle") }
        #expect(cycle.count == 1)
        #expect(cycle.first?.field == "stages.a.input")
        #expect(cycle.first.map { ["a", "b", "c"].allSatisfy($0.message.contains) } == true)
    }

    @Test func validatorAcceptsAnAcyclicCodeBuiltSpec() {
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "m", path: "/m")], stages: [
            StageSpec(name: "det", model: "m", postprocess: .textBoxes(TextBoxSpec())),
            StageSpec(name: "ori", model: "m", input: .crops(CropSource(stage: "det")), postprocess: .classify(ClassifySpec())),
            StageSpec(name: "rec", model: "m", input: .crops(CropSource(stage: "det", orient: "ori")), postprocess: .ctc(CTCSpec())),
        ], summary: [SummarySpec(name: "n", stage: "rec", value: "", reduce: .count)])
        #expect(PipelineValidator.validate(spec).isEmpty)
    }

    @Test func validatorRequiresModelsAndStages() {
        let issues = PipelineValidator.validate(PipelineSpec(name: "t", models: [], stages: []))
        #expect(Set(issues.map(\.field)) == ["models", "stages"])
    }
}

@Suite struct StageInputKeyOrderTests {
    @Test func cropsIsRecognisedWhateverTheKeyOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-order-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("m.onnx").path, contents: Data([0]))
        let yaml = """
        models:
          m: {file: m.onnx}
        stages:
          det: {model: m, postprocess: text_boxes}
          cls: {model: m, input: {crops: det}, postprocess: classify}
          rec: {model: m, input: {orient: cls, crops: det}, postprocess: ctc}
        """
        let spec = try PipelineLoader.parse(yaml: yaml, file: "order.yaml", baseDirectory: dir.path)
        #expect(spec.stage(named: "rec")?.input == .crops(CropSource(stage: "det", orient: "cls")))
    }
}
