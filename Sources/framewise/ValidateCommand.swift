import ArgumentParser
import FramewiseRuntime
import Foundation

/// `framewise validate PIPELINE`: checks the file and loads its models without running anything.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file and its models; run nothing.",
        discussion: "Loads each model and runs it once on a dummy batch (zeros), so a size or a join the model cannot take fails here, not on every video. With -v, also prints every resolved setting of every model and stage, defaults included.")

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @OptionGroup var engine: EngineOptions

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        print("\(pipeline): ok (\(loaded.stages.count.counted("stage")) in \(loaded.levels.count.counted("level")))")
        for stage in loaded.stages {
            let inputs = stage.session.inputs.map(\.description).joined(separator: ", ")
            print("  \(stage.spec.name): model \(stage.model.name) [\(inputs)] -> \(stage.spec.postprocess.kind)")
        }
        if engine.verbose { print(ResolvedSettings.text(loaded)) }
    }
}
