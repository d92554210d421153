import Foundation
import FramewiseCore
import Testing

/// A valid pipeline: four models, a fork (s1, s2 on the frame) joined by s3 through tensors,
/// a crops fan-out from s1 with an orientation classifier, and a summary.
/// It lives in `<tmp>/pipelines/`; model files are relative to that folder.
private let validPipeline = """
name: demo
sampling: {fps: 2}
decode:
  threads: 2
  read_ahead: 8
models:
  detector:
    file: models/det.onnx
    input: images
    batch: 4
    threads: 3
    providers: [cuda, cpu]
    preprocess:
      size: [640, 480]
      layout: nchw
      channels: bgr
      scale: 0.5
      mean: [0.25]
      std: [0.25, 0.5, 4]
      resize: {letterbox: top_left, pad: 0}
  classifier:
    file: ./models/cls.onnx
    preprocess:
      size: [224, 200]
      layout: nhwc
      dtype: uint8
      std: [2]
      resize: {short_side_crop: 256}
  reader:
    file: rec.onnx
    preprocess:
      size: [320, 48]
      resize: stretch
  fuser:
    file: ../shared/fuse.onnx
stages:
  s1:
    model: detector
    postprocess: {yolo: {threshold: 0.25, nms: 0.5, labels: [person, car], max_boxes: 20}}
  s2:
    model: classifier
    postprocess: {classify: {labels: [day, night], top_k: 1, softmax: true}}
  s3:
    model: fuser
    input: {tensors: {a: s1.out, b: s2}}
  cls:
    model: classifier
    input: {crops: s1}
    postprocess: {classify: {labels: ["0", "180"]}}
  rec:
    model: reader
    input: {crops: s1, orient: cls, padding: 0.125, max: 16}
    postprocess: ctc
summary:
  people:
    stage: s1
    value: count
    reduce: max
  texts:
    stage: rec
    value: text
    reduce: unique
"""

private let validModelFiles = ["pipelines/models/det.onnx", "pipelines/models/cls.onnx", "pipelines/rec.onnx", "shared/fuse.onnx"]

@Suite("Parsing a valid pipeline")
struct ValidPipelineTests {
    @Test func parsesEveryTopLevelField() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")
        #expect(spec.name == "demo")
        #expect(spec.file == "demo.yaml")
        #expect(spec.sampling == .fps(2))
        #expect(spec.decode == DecodeSpec(threads: 2, readAhead: 8))
        #expect(spec.models.map(\.name) == ["detector", "classifier", "reader", "fuser"])
        #expect(spec.stages.map(\.name) == ["s1", "s2", "s3", "cls", "rec"])
        #expect(spec.summary == [
            SummarySpec(name: "people", stage: "s1", value: "count", reduce: .max),
            SummarySpec(name: "texts", stage: "rec", value: "text", reduce: .unique),
        ])
    }

    @Test func resolvesRelativeModelFilesAgainstTheBaseDirectory() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")
        #expect(spec.model(named: "detector")?.path == "\(dir.path)/pipelines/models/det.onnx")
        #expect(spec.model(named: "classifier")?.path == "\(dir.path)/pipelines/models/cls.onnx")
        #expect(spec.model(named: "reader")?.path == "\(dir.path)/pipelines/rec.onnx")
        #expect(spec.model(named: "fuser")?.path == "\(dir.path)/shared/fuse.onnx")
    }

    @Test func parsesModelOptionsAndPreprocessing() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")

        let det = try #require(spec.model(named: "detector"))
        #expect(det.inputName == "images")
        #expect(det.batchLimit == 4)
        #expect(det.session.intraOpThreads == 3)
        #expect(det.session.providers == [.cuda(deviceID: 0), .cpu])
        let detPre = try #require(det.preprocess)
        #expect(detPre.width == 640)
        #expect(detPre.height == 480)
        #expect(detPre.layout == .nchw)
        #expect(detPre.channelOrder == .bgr)
        #expect(detPre.elementType == .float32)
        #expect(detPre.scale == 0.5)
        #expect(detPre.mean == [0.25, 0.25, 0.25], "a single mean is broadcast to the three channels")
        #expect(detPre.std == [0.25, 0.5, 4])
        #expect(detPre.resize == .letterbox(anchor: .topLeft, pad: 0))

        let cls = try #require(spec.model(named: "classifier"))
        #expect(cls.inputName == nil)
        #expect(cls.batchLimit == 8, "default batch")
        #expect(cls.session.providers == [.cpu], "default providers")
        let clsPre = try #require(cls.preprocess)
        #expect(clsPre.width == 224)
        #expect(clsPre.height == 200)
        #expect(clsPre.layout == .nhwc)
        #expect(clsPre.channelOrder == .rgb)
        #expect(clsPre.elementType == .uint8)
        #expect(clsPre.itemShape == [200, 224, 3])
        #expect(clsPre.mean == [0, 0, 0])
        #expect(clsPre.std == [2, 2, 2], "a single std is broadcast to the three channels")
        #expect(clsPre.resize == .shortSideCenterCrop(shortSide: 256))

        let rec = try #require(spec.model(named: "reader"))
        #expect(rec.preprocess == PreprocessSpec(width: 320, height: 48, resize: .stretch))

        let fuser = try #require(spec.model(named: "fuser"))
        #expect(fuser.preprocess == nil)
    }

    @Test func parsesStagesInputsAndPostprocessing() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")

        let s1 = try #require(spec.stage(named: "s1"))
        #expect(s1.model == "detector")
        #expect(s1.input == .frame)
        #expect(s1.postprocess == .yolo(DetectionSpec(threshold: 0.25, nms: 0.5, labels: ["person", "car"], maxBoxes: 20)))
        #expect(s1.postprocess.producesBoxes)
        #expect(s1.dependencies.isEmpty)

        let s2 = try #require(spec.stage(named: "s2"))
        #expect(s2.input == .frame)
        #expect(s2.postprocess == .classify(ClassifySpec(labels: ["day", "night"], topK: 1, softmax: true)))
        #expect(!s2.postprocess.producesBoxes)

        let s3 = try #require(spec.stage(named: "s3"))
        #expect(s3.model == "fuser")
        #expect(s3.input == .tensors([
            TensorBinding(input: "a", stage: "s1", output: "out"),
            TensorBinding(input: "b", stage: "s2", output: nil),
        ]))
        #expect(s3.postprocess == .raw(RawSpec()), "postprocess defaults to raw")
        #expect(s3.dependencies == ["s1", "s2"])

        let cls = try #require(spec.stage(named: "cls"))
        #expect(cls.input == .crops(CropSource(stage: "s1", orient: nil, padding: 0, maxPerFrame: 64)))
        #expect(cls.postprocess == .classify(ClassifySpec(labels: ["0", "180"])))

        let rec = try #require(spec.stage(named: "rec"))
        #expect(rec.input == .crops(CropSource(stage: "s1", orient: "cls", padding: 0.125, maxPerFrame: 16)))
        #expect(rec.postprocess == .ctc(CTCSpec(characters: nil, metadataKey: "character", blank: 0, appendSpace: true, minScore: 0)))
        #expect(Set(rec.dependencies) == ["s1", "cls"])
    }

    @Test func recordsWhereFieldsWereWritten() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")
        // Line numbers counted in `validPipeline` above.
        #expect(spec.location(of: "sampling").line == 2)
        #expect(spec.location(of: "models.detector.file").line == 8)
        #expect(spec.location(of: "models.reader.file").line == 30)
        #expect(spec.location(of: "stages.s3.input").line == 45)
        #expect(spec.location(of: "stages.s3.input").file == "demo.yaml")
        // Falls back to the closest written parent.
        #expect(spec.location(of: "stages.s3.input.tensors.a").line == 45)
        #expect(spec.location(of: "nothing.here").line == 0)
    }

    @Test func stageLevelsPutDependenciesInEarlierLevels() throws {
        let dir = try TempDirectory(files: validModelFiles)
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: validPipeline, file: "demo.yaml", baseDirectory: "\(dir.path)/pipelines")
        let levels = spec.stageLevels
        #expect(levels.map { $0.map(\.name) } == [["s1", "s2"], ["s3", "cls"], ["rec"]])
        // Every stage appears exactly once, and all its dependencies sit in strictly earlier levels.
        #expect(levels.flatMap { $0.map(\.name) }.sorted() == spec.stages.map(\.name).sorted())
        var levelOf: [String: Int] = [:]
        for (i, level) in levels.enumerated() { for s in level { levelOf[s.name] = i } }
        for stage in spec.stages {
            for dep in stage.dependencies {
                #expect(try #require(levelOf[dep]) < #require(levelOf[stage.name]), "\(dep) must come before \(stage.name)")
            }
        }
    }

    @Test func loadReadsAFileAndResolvesAgainstItsFolder() throws {
        let dir = try TempDirectory(files: ["models/m.onnx"])
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: ../models/m.onnx
        stages:
          only:
            model: m
        """
        try dir.write(yaml, to: "pipes/my-pipe.yaml")
        let path = "\(dir.path)/pipes/my-pipe.yaml"
        let spec = try PipelineLoader.load(path: path)
        #expect(spec.name == "my-pipe", "the name defaults to the file's base name")
        #expect(spec.file == path)
        #expect(spec.models.first?.path == "\(dir.path)/models/m.onnx")
        #expect(spec.sampling == .everyFrame, "sampling defaults to every frame")
        #expect(spec.decode == DecodeSpec())
        #expect(spec.stages == [StageSpec(name: "only", model: "m")])
        #expect(spec.summary.isEmpty)
    }

    @Test func loadOfAMissingFileReportsTheFile() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = "\(dir.path)/absent.yaml"
        let error = try #require(throws: PipelineError.self) { try PipelineLoader.load(path: path) }
        #expect(error.file == path)
        #expect(error.issues.count == 1)
        #expect(error.issues.first?.field == "file")
        #expect(error.description.contains("absent.yaml"))
    }

    @Test func absoluteModelPathsAreKept() throws {
        let dir = try TempDirectory(files: ["abs.onnx"])
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: \(dir.path)/abs.onnx
        stages:
          s:
            model: m
        """
        let spec = try PipelineLoader.parse(yaml: yaml, file: "p.yaml", baseDirectory: "/nonexistent/elsewhere")
        #expect(spec.models.first?.path == "\(dir.path)/abs.onnx")
    }
}

/// A minimal pipeline whose sampling / resize / providers line is replaced per case.
private func minimalPipeline(sampling: String? = nil, resize: String? = nil, providers: String? = nil) -> String {
    var lines: [String] = []
    if let sampling { lines.append("sampling: \(sampling)") }
    lines += ["models:", "  m:", "    file: m.onnx"]
    if let providers { lines.append("    providers: \(providers)") }
    if let resize { lines += ["    preprocess:", "      size: [32, 16]", "      resize: \(resize)"] }
    lines += ["stages:", "  s:", "    model: m"]
    return lines.joined(separator: "\n")
}

@Suite("Parsing variants")
struct VariantParsingTests {
    @Test(arguments: [
        ("every_frame", SamplingPolicy.everyFrame),
        ("all", .everyFrame),
        ("keyframes", .keyframes),
        ("{fps: 2}", .fps(2)),
        ("{fps: 0.5}", .fps(0.5)),
        ("{every: 5}", .everyNth(5)),
        ("{uniform: 8}", .uniform(8)),
    ])
    func sampling(_ text: String, _ expected: SamplingPolicy) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: minimalPipeline(sampling: text), file: "p.yaml", baseDirectory: dir.path)
        #expect(spec.sampling == expected)
    }

    @Test func samplingDefaultsToEveryFrame() throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: minimalPipeline(), file: "p.yaml", baseDirectory: dir.path)
        #expect(spec.sampling == .everyFrame)
    }

    @Test(arguments: [
        ("stretch", ResizeMode.stretch),
        ("letterbox", .letterbox(anchor: .center, pad: 0)),
        ("{letterbox: top_left, pad: 0}", .letterbox(anchor: .topLeft, pad: 0)),
        ("{letterbox: center, pad: 114}", .letterbox(anchor: .center, pad: 114)),
        ("{short_side_crop: 256}", .shortSideCenterCrop(shortSide: 256)),
        ("short_side_crop", .shortSideCenterCrop(shortSide: 0)),
        // The chain: a resize step, then the centre of it at `size` (32x16).
        ("{stretch: [40, 20], crop: center}", .stretchCenterCrop(width: 40, height: 20)),
        ("{crop: center, stretch: [40, 20]}", .stretchCenterCrop(width: 40, height: 20)),
        ("{stretch: [32, 16]}", ResizeMode(.stretch(to: PixelSize(width: 32, height: 16)))),
        ("{short_side: 256, crop: center}", .shortSideCenterCrop(shortSide: 256)),
        ("{letterbox: center, to: [40, 40], pad: 3, crop: center}",
         ResizeMode(.letterbox(anchor: .center, pad: 3, to: PixelSize(width: 40, height: 40)), centerCrop: true)),
        ("{letterbox: top_left, to: [32, 16]}", ResizeMode(.letterbox(anchor: .topLeft, pad: 0, to: PixelSize(width: 32, height: 16)))),
    ])
    func resize(_ text: String, _ expected: ResizeMode) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: minimalPipeline(resize: text), file: "p.yaml", baseDirectory: dir.path)
        let pre = try #require(spec.models.first?.preprocess)
        #expect(pre.resize == expected)
        #expect(pre.width == 32 && pre.height == 16)
    }

    @Test(arguments: [
        ("[cuda, cpu]", [ExecutionProvider.cuda(deviceID: 0), .cpu]),
        ("[cpu]", [.cpu]),
        ("[{cuda: 1}, tensorrt, cpu]", [.cuda(deviceID: 1), .tensorRT(deviceID: 0), .cpu]),
    ])
    func providers(_ text: String, _ expected: [ExecutionProvider]) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: minimalPipeline(providers: text), file: "p.yaml", baseDirectory: dir.path)
        #expect(spec.models.first?.session.providers == expected)
    }
}

@Suite("Mean and std broadcasting")
struct NormalisationParsingTests {
    @Test(arguments: [
        ("0.5", "[0.25, 0.5, 1]", [Float(0.5), 0.5, 0.5], [Float(0.25), 0.5, 1]),
        ("[0.5]", "[2]", [0.5, 0.5, 0.5], [2, 2, 2]),
        ("[1, 2, 3]", "4", [1, 2, 3], [4, 4, 4]),
        ("127.5", "127.5", [127.5, 127.5, 127.5], [127.5, 127.5, 127.5]),
    ])
    func singleValuesAreBroadcast(_ mean: String, _ std: String, _ expectedMean: [Float], _ expectedStd: [Float]) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let yaml = """
        models:
          m:
            file: m.onnx
            preprocess:
              size: [8, 8]
              mean: \(mean)
              std: \(std)
        stages:
          s:
            model: m
        """
        let spec = try PipelineLoader.parse(yaml: yaml, file: "p.yaml", baseDirectory: dir.path)
        let pre = try #require(spec.models.first?.preprocess)
        #expect(pre.mean == expectedMean)
        #expect(pre.std == expectedStd)
    }
}

@Suite("Stage levels built in code")
struct StageLevelTests {
    @Test func chainDeclaredBackwardsStillLevelsByDependency() {
        // c <- b <- a (c reads b's tensors, b reads a's), d independent; declared c, b, a, d.
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "m", path: "/m")], stages: [
            StageSpec(name: "c", model: "m", input: .tensors([TensorBinding(input: "x", stage: "b")])),
            StageSpec(name: "b", model: "m", input: .tensors([TensorBinding(input: "x", stage: "a")])),
            StageSpec(name: "a", model: "m"),
            StageSpec(name: "d", model: "m"),
        ])
        #expect(spec.stageLevels.map { $0.map(\.name) } == [["a", "d"], ["b"], ["c"]])
    }

    @Test func diamondJoinWaitsForTheLongestBranch() {
        // a -> b -> d and a -> d: d must come after b, not merely after a.
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "m", path: "/m")], stages: [
            StageSpec(name: "a", model: "m", postprocess: .centerFace(DetectionSpec())),
            StageSpec(name: "b", model: "m", input: .crops(CropSource(stage: "a"))),
            StageSpec(name: "d", model: "m", input: .crops(CropSource(stage: "a", orient: "b"))),
        ])
        #expect(spec.stageLevels.map { $0.map(\.name) } == [["a"], ["b"], ["d"]])
    }

    @Test func independentStagesShareOneLevel() {
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "m", path: "/m")], stages: [
            StageSpec(name: "x", model: "m"), StageSpec(name: "y", model: "m"), StageSpec(name: "z", model: "m"),
        ])
        #expect(spec.stageLevels.map { $0.map(\.name) } == [["x", "y", "z"]])
    }
}
