import ArgumentParser
import FramewiseCore
import FramewiseRuntime
import Foundation

/// `framewise profile PIPELINE`: inference latency per batch size for each model of a pipeline.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "Measure each model's inference latency against batch size.")

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Option(parsing: .upToNextOption, help: "Batch sizes (default: 1 2 4 8).") var batches: [Int] = [1, 2, 4, 8]
    @Option(help: "Timed runs per batch size.") var iterations = 10
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if batches.contains(where: { $0 < 1 }) { throw ValidationError("batch sizes must be at least 1") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        var seen = Set<String>()
        print("model          input                      batch   mean ms    p99 ms   ms/item   items/s")
        for stage in loaded.stages where seen.insert(stage.model.name).inserted {
            for b in batches {
                let inputs = try ModelProfiler.inputs(for: stage, batch: b)
                let times = try ModelProfiler.measure(session: stage.session, inputs: inputs, iterations: iterations)
                let mean = times.reduce(0, +) / Double(times.count)
                let p99 = times.sorted()[min(times.count - 1, Int((0.99 * Double(times.count)).rounded(.up)) - 1)]
                let shape = inputs.map { "\($0.key)\($0.value.shape)" }.sorted().joined(separator: " ")
                print(String(format: "%-14@ %-26@ %5d %9.2f %9.2f %9.2f %9.1f", stage.model.name as NSString, shape as NSString,
                             b, mean * 1000, p99 * 1000, mean * 1000 / Double(b), Double(b) / mean))
            }
        }
    }
}
