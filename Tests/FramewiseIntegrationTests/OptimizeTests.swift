import Foundation
import FramewiseCore
import FramewiseONNX
import FramewiseOptimize
import FramewiseTesting
import Testing

/// `framewise optimize`: the variant script on fixture models, the protobuf scan behind
/// `validate`'s note, and the command on the moderation example.
@Suite struct OptimizeTests {
    static func onnx(_ name: String) -> String { Fixtures.projectRoot.appendingPathComponent(".fixtures/onnx/\(name)").path }

    @Test func scanFindsWhatCleanWouldChange() throws {
        _ = try Fixtures.require(Self.onnx("cnn_dynamic.onnx"))
        #expect(ONNXGraphScan.scan(path: Self.onnx("weights_as_inputs.onnx")) == ONNXGraphScan(initializersAsInputs: 1, unusedInitializers: 0))
        #expect(ONNXGraphScan.scan(path: Self.onnx("unused_initializers.onnx")) == ONNXGraphScan(initializersAsInputs: 0, unusedInitializers: 5))
        #expect(ONNXGraphScan.scan(path: Self.onnx("cnn_dynamic.onnx"))?.wouldGainFromClean == false)
        #expect(ONNXGraphScan.scan(path: Self.onnx("garbage.onnx")) == nil)
    }

    /// clean, fp32-opt and int8 of a fixture CNN: each loads and runs; clean and fp32-opt compute
    /// what the original does; int8 stays close; clean removes what the scan found.
    @Test func variantsOfAFixtureModelLoadAndAgree() throws {
        let model = try Fixtures.require(Self.onnx("cnn_dynamic.onnx"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-optimize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A smooth deterministic pattern per frame: 16 frames of [3, 32, 32].
        let frames = (0..<16).map { f in (0..<(3 * 32 * 32)).map { i in Float(sin(Double(i + 7 * f) * 0.05)) } }
        try NPYFile.write(Array(frames.joined()), shape: [16, 3, 32, 32], to: dir.appendingPathComponent("input0.npy"))
        let script = VariantScript(python: try Fixtures.require(Fixtures.python),
                                   script: Fixtures.projectRoot.appendingPathComponent("scripts/python/optimize_model.py").path)
        let made = try script.make(model: model, output: dir.path, variants: ["clean", "fp32-opt", "int8", "fp16"], calibration: dir.path)
        #expect(made.files.keys.sorted() == ["clean", "fp16", "fp32-opt", "int8"])

        let backend = try Examples.backend()
        let original = try backend.loadSession(path: model, name: "cnn", options: SessionOptions())
        let input = try #require(original.inputs.first?.name)
        let tensor = try Tensor.float32(shape: [4, 3, 32, 32], values: Array(frames.prefix(4).joined()))
        let reference = try original.run([input: tensor])
        for (variant, bound) in [("clean", 1e-5), ("fp32-opt", 1e-4), ("int8", 0.5), ("fp16", 1e-2)] {
            let file = try #require(made.files[variant])
            let session = try backend.loadSession(path: file, name: "cnn.\(variant)", options: SessionOptions())
            let out = try session.run([input: tensor])
            for info in original.outputs where info.elementType == .float32 {
                let a = try #require(reference[info.name]).floats(), b = try #require(out[info.name]).floats()
                #expect(a.count == b.count)
                let delta = zip(a, b).map { Double(abs($0 - $1)) }.max() ?? .infinity
                #expect(delta <= bound, "\(variant) \(info.name): max |Δ| \(delta)")
            }
        }

        let weights = try Fixtures.require(Self.onnx("weights_as_inputs.onnx"))
        let cleaned = try script.make(model: weights, output: dir.path, variants: ["clean"], calibration: nil)
        #expect(cleaned.clean["initializers_as_inputs"] == 1)
        let file = try #require(cleaned.files["clean"])
        #expect(ONNXGraphScan.scan(path: file) == ONNXGraphScan(initializersAsInputs: 0, unusedInitializers: 0))
    }

    /// The command on the moderation example with one short video: the variant files exist and
    /// load, clean equals the original, int8 is close, and the JSON names every variant.
    @Test func optimizeModerationWritesVariantsAndAccuracy() throws {
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("report.json").path
        let r = try CLITests.framewise(["optimize", Examples.pipelinePath("moderation"), "--calibrate", video, "--output", dir.path,
                                        "--json", json, "--calibration-frames", "6", "--variants", "clean,int8", "--no-register"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("  int8: \(dir.path)/"))
        #expect(!r.stdout.contains("registered"))
        let reports = try JSONDecoder().decode([ModelReport].self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(reports.map(\.model) == ["nsfw", "centerface"])
        let backend = try Examples.backend()
        for report in reports {
            #expect(report.heldOutFrames >= 1)
            #expect(report.calibrationFrames >= 1)
            #expect(report.variants.map(\.variant) == ["clean", "int8"])
            for v in report.variants {
                #expect(FileManager.default.fileExists(atPath: v.file))
                #expect(v.file.hasPrefix(dir.path))
                _ = try backend.loadSession(path: v.file, name: v.variant, options: SessionOptions())
                let a = try #require(v.accuracy)
                #expect(a.frames == report.heldOutFrames)
                if v.variant == "clean" {
                    #expect(a.maxAbsDelta <= 1e-5, "\(report.model) clean: max |Δ| \(a.maxAbsDelta)")
                } else {
                    // Loose: int8 moves raw outputs by a fraction of their size (CenterFace's log-scale output the most).
                    #expect(a.meanAbsDelta < 0.3 * a.meanAbsOriginal, "\(report.model) int8: mean |Δ| \(a.meanAbsDelta) of \(a.meanAbsOriginal)")
                }
            }
        }
        let nsfw = try #require(reports.first { $0.model == "nsfw" }?.variants.first { $0.variant == "int8" }?.accuracy)
        #expect(try #require(nsfw.meanAbsScoreDelta) < 0.1)
        #expect(nsfw.decisionAgreement != nil)
        let faces = try #require(reports.first { $0.model == "centerface" }?.variants.first { $0.variant == "clean" }?.accuracy)
        #expect(faces.detectionF1 == 1 && faces.countAgreement == 1)
    }
}
