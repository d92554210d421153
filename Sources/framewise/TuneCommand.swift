import ArgumentParser
import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseOptimize
import FramewisePlanner
import FramewiseRuntime

/// `framewise tune PIPELINE VIDEOS... --latency 2s --min-agreement 0.99`: the cheapest
/// configuration per stage (variant, input size, batch limit, threads) and sampling that meets a
/// per-frame latency target and an accuracy floor, verified on held-out videos.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose each stage's model variant, input size, batch limit and threads, and the sampling, for a latency target at least cost.",
        discussion: """
            The videos are split by --seed into a search half and a held-out half. On the search half: the pipeline as \\
            written with every model's original file (the reference) gives the per-video summaries and each crop stage's \\
            fan-out; each sparser sampling is run and its summaries compared; each stage's candidates (the registered \\
            variants from `framewise optimize`, smaller input sizes for models with dynamic spatial axes, --threads) are \\
            profiled as the engine runs them and compared frame by frame with the reference model. Then, as Llama does, \\
            each stage gets a slack from --latency (its share of the longest reference path through it) and the cheapest \\
            candidate and batch limit within its slack and --min-agreement; latency per frame is 2 x the batch latency \\
            (a batch waits for the one before it), cost is core-seconds per video. On the held-out half the tuned pipeline \\
            and the reference are run; a stage whose frames agree less than --min-agreement falls back to its next choice. \\
            The tuned pipeline (each choice commented) goes to --out; the table shows predicted and measured cost, \\
            latency and agreement for both.
            """)

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Argument(help: "Videos (at least 2; half are held out).") var videos: [String]
    @Option(help: "Per-frame latency target from a decoded frame, e.g. 2s or 500ms.") var latency: String
    @Option(name: .customLong("min-agreement"), help: "Accuracy floor: the fraction of frames (and summary fields) that must agree with the reference.")
    var minAgreement = 0.99
    @Option(help: "Videos per second to size each stage's instances for.") var rate: Double?
    @Option(help: "Dollars per core-hour, for $ per 1,000 videos.") var price: Double?
    @Option(help: "Seed of the search / held-out split.") var seed: UInt64 = 1
    @Option(help: "Input-size factors to try on models with dynamic spatial axes, comma-separated.") var sizes = "1,0.75,0.5"
    @Option(help: "Intra-op thread counts to try, comma-separated.") var threads = "1"
    @Option(help: "Sampling divisors to try, comma-separated ({fps: f} -> f/d).") var sampling = "1,2,4"
    @Option(help: "Timed runs per batch size when profiling a candidate.") var iterations = 5
    @Option(help: "Timed runs of each whole-pipeline measurement, after a warm-up; the cheapest counts.") var repeats = 2
    @Option(name: .customLong("accuracy-frames"), help: "Frames of the search videos each candidate is compared on.") var accuracyFrames = 32
    @Option(help: "Write the tuned pipeline here (default: print it).") var out: String?
    @Flag(help: "Print the report as JSON instead of the table.") var json = false
    @OptionGroup var engine: EngineOptions

    func numbers(_ text: String, _ name: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("--\(name): expected positive numbers, got '\(text)'") }
        return values.compactMap { $0 }
    }

    func validate() throws {
        do { _ = try PlanningUnits.seconds(latency) } catch { throw ValidationError("--latency: \(error)") }
        guard minAgreement > 0, minAgreement <= 1 else { throw ValidationError("--min-agreement must be in (0, 1], got \(minAgreement)") }
        guard videos.count >= 2 else { throw ValidationError("give at least 2 videos: half are searched on, half held out") }
        for video in videos where !FileManager.default.fileExists(atPath: video) { throw ValidationError("\(video) does not exist") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be positive") }
        if let price, !(price >= 0) { throw ValidationError("--price must not be negative") }
        _ = try numbers(sizes, "sizes")
        guard try numbers(threads, "threads").allSatisfy({ $0 == $0.rounded() }) else { throw ValidationError("--threads: whole numbers") }
        guard try numbers(sampling, "sampling").allSatisfy({ $0 == $0.rounded() }) else { throw ValidationError("--sampling: whole numbers") }
        guard iterations >= 1, accuracyFrames >= 1, repeats >= 1 else {
            throw ValidationError("--iterations, --accuracy-frames and --repeats must be at least 1")
        }
    }

    func run() async throws {
        engine.bootstrapLogging()
        _ = try loadPipeline(pipeline, options: engine)  // every pipeline problem is reported as `validate` does
        let backend = try reportingAppErrors { try PipelineLoading.backend(ortLibrary: engine.ortLibrary) }
        let target = TuneTarget(latency: try PlanningUnits.seconds(latency), minAgreement: minAgreement, rate: rate, pricePerCoreHour: price)
        var request = TuneRequest(pipelinePath: pipeline, videos: videos, target: target, seed: seed, device: DeviceName.local())
        request.sizeFactors = try numbers(sizes, "sizes")
        request.threads = try numbers(threads, "threads").map { Int($0) }
        request.samplingDivisors = try numbers(sampling, "sampling").map { Int($0) }
        request.iterations = iterations
        request.repeats = repeats
        request.accuracyFrames = accuracyFrames
        let quiet = json
        let report: TuneReport
        do {
            report = try await Tuner(request: request, backend: backend, log: { line in
                if !quiet { FileHandle.standardError.write(Data("tune: \(line)\n".utf8)) }
            }).tune()
        } catch {
            FileHandle.standardError.write(Data("error: tune \(pipeline): \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let out {
            do { try report.tunedYAML.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                FileHandle.standardError.write(Data("error: cannot write \(out): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(TuneTable.text(report))
            if let out { print("wrote \(out)") } else { print("\n" + report.tunedYAML) }
        }
    }
}
