import ArgumentParser
import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseOptimize
import FramewiseRuntime

/// `framewise optimize PIPELINE --calibrate VIDEOS...`: makes model variants beside the originals
/// (clean, fp32-opt, int8) and reports each one's accuracy against the original on held-out frames.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Make faster variants of a pipeline's models (clean, fp32-opt, int8) and measure their accuracy against the originals.",
        discussion: """
            Variants are written as <model>.<variant>.onnx beside each model (or in --output DIR) by ONNX Runtime's \
            own tools (scripts/python/optimize_model.py in the project's .venv). clean: initializers removed from the \
            graph inputs, unused initializers dropped, opset raised to 13 where lower. fp32-opt: the clean model after \
            ONNX Runtime's offline graph optimization. int8: static QDQ quantization, per channel, calibrated on the \
            --calibrate videos decoded with the pipeline's own sampling and preprocessing (a model fed crops: on the crops \
            of the boxes the pipeline's own upstream stages find on them). fp16: weights and arithmetic in \
            float16 with float32 inputs and outputs, for GPU execution providers (checked on CPU, not faster there). Every --hold-out-every'th \
            frame is held out of calibration; each variant is compared with the original on those frames: raw outputs \
            (max and mean |Δ|), classify heads (|Δscore|, top-label agreement), detection heads (F1 at IoU 0.5, count \
            agreement), CTC heads (exact text), and timed on one batch. Each variant is registered in the pipeline file under \
            `models.M.variants` (only those lines change; --no-register to leave the file alone); a stage runs one \
            with `variant: NAME`. A bare MODEL.onnx is optimized as a one-stage pipeline fed whole frames (its fixed \
            input size, stretched), and nothing is registered.
            """)

    @Argument(help: "Pipeline YAML file, or a bare ONNX model.") var pipeline: String
    @Flag(name: .customLong("no-register"), help: "Do not register the variants in the pipeline file.") var noRegister = false
    @Option(parsing: .upToNextOption, help: "Videos to calibrate int8 on and to measure accuracy on (held-out frames).")
    var calibrate: [String] = []
    @Option(help: "Variants to make, comma-separated: clean, fp32-opt, int8, fp16 (for GPUs; checked on CPU).") var variants = "clean,fp32-opt,int8"
    @Option(help: "Write variant files in this folder instead of beside each model.") var output: String?
    @Option(help: "Write the report as JSON to this file.") var json: String?
    @Option(name: .customLong("calibration-frames"), help: "Most frames (or crops, for a model fed crops) per model to calibrate on.") var calibrationFrames = 64
    @Option(name: .customLong("hold-out-every"), help: "Hold out every Nth sampled frame (or crop) for the accuracy report.") var holdOutEvery = 4
    @Option(help: "Batch size for the comparison and the timing (a model's fixed batch size wins).") var batch = 4
    @OptionGroup var engine: EngineOptions

    static let known = ["clean", "fp32-opt", "int8", "fp16"]

    var variantList: [String] { variants.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

    func validate() throws {
        let unknown = variantList.filter { !Self.known.contains($0) }
        if !unknown.isEmpty || variantList.isEmpty {
            throw ValidationError("--variants: unknown \(unknown.joined(separator: ", ")); known: \(Self.known.joined(separator: ", "))")
        }
        if calibrationFrames < 1 { throw ValidationError("--calibration-frames must be at least 1, got \(calibrationFrames)") }
        if holdOutEvery < 2 { throw ValidationError("--hold-out-every must be at least 2, got \(holdOutEvery)") }
        if batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch)") }
        for video in calibrate where !FileManager.default.fileExists(atPath: video) {
            throw ValidationError("--calibrate: \(video) does not exist")
        }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let bare = pipeline.lowercased().hasSuffix(".onnx")
        let path = try bare ? BareModelPipeline.write(model: pipeline) : pipeline
        defer { if bare { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) } }
        let loaded = try loadPipeline(path, options: engine)
        let backend = try reportingAppErrors { try PipelineLoading.backend(ortLibrary: engine.ortLibrary) }
        let reports: [ModelReport]
        do {
            var optimizer = ModelOptimizer(videos: calibrate, variants: variantList, output: output, script: try VariantScript.locate())
            optimizer.calibrationLimit = calibrationFrames
            optimizer.holdOutEvery = holdOutEvery
            optimizer.batch = batch
            reports = try optimizer.optimize(loaded, backend: backend)
        } catch {
            FileHandle.standardError.write(Data("error: optimize \(pipeline): \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(OptimizeTable.text(reports))
        if !bare, !noRegister, reports.contains(where: { !$0.variants.isEmpty }) {
            do {
                try VariantRegistration.register(reports, pipeline: pipeline)
                print("registered the variants in \(pipeline) (models.M.variants); run one with `variant: NAME` on a stage")
            } catch {
                FileHandle.standardError.write(Data("error: cannot register the variants in \(pipeline): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(reports).write(to: URL(fileURLWithPath: json))
            } catch {
                FileHandle.standardError.write(Data("error: cannot write \(json): \(error)\n".utf8))
                throw ExitCode(1)
            }
            print("wrote \(json)")
        }
    }
}

/// A bare model as a one-stage pipeline file (in a temporary folder): the model fed whole frames.
enum BareModelPipeline {
    static func write(model: String) throws -> String {
        let file = URL(fileURLWithPath: model).standardizedFileURL
        guard FileManager.default.fileExists(atPath: file.path) else { throw ValidationError("\(model) does not exist") }
        let name = file.deletingPathExtension().lastPathComponent.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let key = name.isEmpty ? "model" : name
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-bare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let yaml = "name: \(key)\nmodels:\n  \(key):\n    file: \"\(file.path)\"\nstages:\n  \(key):\n    model: \(key)\n    input: frame\n"
        let path = dir.appendingPathComponent("pipeline.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The text report of `framewise optimize`.
enum OptimizeTable {
    static func text(_ reports: [ModelReport]) -> String {
        func f(_ v: Double?, _ format: String = "%.4f") -> String { v.map { String(format: format, $0) } ?? "-" }
        var lines: [String] = []
        for r in reports {
            let unit = r.notes.contains { $0.hasPrefix("calibrated on the crops") } ? "crops" : "frames"
            lines.append("model \(r.model) (\(r.file)): \(r.calibrationFrames) calibration / \(r.heldOutFrames) held-out \(unit)"
                         + (r.stage.map { " through stage \($0)" } ?? "") + ", batch \(r.batch), original \(f(r.originalMsPerBatch, "%.1f")) ms per batch")
            let changed = ["initializers_as_inputs", "unused_initializers"].compactMap { k in r.clean[k].flatMap { $0 > 0 ? "\(Int($0)) \(k.replacingOccurrences(of: "_", with: " "))" : nil } }
            if let from = r.clean["opset_from"], let to = r.clean["opset_to"] {
                lines.append("  clean: " + (changed + ["opset \(Int(from)) -> \(Int(to))"]).joined(separator: ", "))
            }
            for note in r.notes { lines.append("  note: \(note)") }
            lines.append("  variant     ms/batch  speed-up  max|Δ|    mean|Δ|   mean|Δscore| max|Δscore| agree   F1      counts    text")
            for v in r.variants {
                let a = v.accuracy
                let speed = (r.originalMsPerBatch ?? 0) > 0 && (v.msPerBatch ?? 0) > 0 ? (r.originalMsPerBatch ?? 0) / (v.msPerBatch ?? 1) : nil
                lines.append("  " + v.variant.padded(10) + " " + f(v.msPerBatch, "%8.1f") + "  " + f(speed, "%7.2fx") + "  "
                             + [f(a?.maxAbsDelta), f(a?.meanAbsDelta), f(a?.meanAbsScoreDelta), f(a?.maxAbsScoreDelta), f(a?.decisionAgreement, "%.3f"),
                                f(a?.detectionF1, "%.3f"), f(a?.countAgreement, "%.3f"), f(a?.textMatchRate, "%.3f")].map { $0.padded(9) }.joined(separator: " "))
            }
            for v in r.variants { lines.append("  \(v.variant): \(v.file)") }
        }
        return lines.joined(separator: "\n")
    }
}
