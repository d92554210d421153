import ArgumentParser
import FramewiseIndex
import FramewiseOptimize
import FramewiseRuntime
import Foundation

/// `framewise validate PIPELINE`: checks the file and loads its models without running anything.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file and its models; run nothing.",
        discussion: "Loads each model and runs it once on a dummy batch (zeros), so a size or a join the model cannot take fails here, not on every video. A model that would run faster after `framewise optimize --variants clean` gets a note. A stage with a raw head lists its outputs and which could be an index's feature vector. With -v, also prints every resolved setting of every model and stage, defaults included.")

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @OptionGroup var engine: EngineOptions

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        print("\(pipeline): ok (\(loaded.stages.count.counted("stage")) in \(loaded.levels.count.counted("level")))")
        for stage in loaded.stages {
            let inputs = stage.session.inputs.map(\.description).joined(separator: ", ")
            print("  \(stage.spec.name): model \(stage.model.name) [\(inputs)] -> \(stage.spec.postprocess.kind)")
            if stage.spec.postprocess.kind == "raw" {
                print("    outputs: " + stage.session.outputs.map(\.description).joined(separator: ", "))
                let features = FeatureOutputs.candidates(stage.session.outputs).map(\.name)
                if !features.isEmpty { print("    feature-vector candidates (index --features-output): " + features.joined(separator: ", ")) }
            }
        }
        for model in loaded.spec.models where loaded.stages.contains(where: { $0.model.name == model.name }) {
            if let note = Self.cleanNote(model.name, path: model.path) { print(note) }
        }
        if engine.verbose { print(ResolvedSettings.text(loaded)) }
    }

    /// A one-line note when `clean` would change the model (nil when it would not or the file is unreadable).
    static func cleanNote(_ name: String, path: String) -> String? {
        guard let scan = ONNXGraphScan.scan(path: path), scan.wouldGainFromClean else { return nil }
        var what: [String] = []
        if scan.initializersAsInputs > 0 { what.append("\(scan.initializersAsInputs.counted("initializer")) listed as graph inputs (ONNX Runtime skips constant folding on them)") }
        if scan.unusedInitializers > 0 { what.append(scan.unusedInitializers.counted("unused initializer")) }
        return "  note: model \(name): " + what.joined(separator: ", ")
            + "; `framewise optimize PIPELINE --variants clean` writes a cleaned copy"
    }
}
