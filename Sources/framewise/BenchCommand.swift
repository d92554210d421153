import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewiseRuntime
import Foundation

/// `framewise bench PIPELINE INPUT...`: the naive way and the engine side by side in one run,
/// plus the machine's bound measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Compare the naive pipeline (each model decodes, sequential, batch 1) with the engine, and both with the machine's bound.")

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Argument(help: "Video files or folders.") var inputs: [String]
    @Option(help: "Write the figures as JSON here.") var json: String?
    @Flag(name: .customLong("skip-naive"), help: "Only the engine and the bound.") var skipNaive = false
    @Flag(name: .customLong("light-load"), help: "Also measure light load: each distinct video submitted alone to the engine, against the same video through the sequential engine.")
    var lightLoad = false
    @Option(name: .customLong("worker-threads"), help: "Engine threads for preprocessing and inference.") var workerThreads: Int?
    @Option(help: "Concurrent batches per stage (default: the worker threads, so any stage can use every worker).") var instances: Int?
    @OptionGroup var load: LoadOptions
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one video file or folder") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        var engineConfig = EngineConfiguration(decoders: load.maxInFlight, workerThreads: workerThreads, instancesPerStage: instances)
        if let slots = load.decodeSlots { engineConfig.decodeSlots = slots }
        let app = try reportingAppErrors {
            try buildApplication(AppConfiguration(pipelinePath: pipeline, ortLibrary: engine.ortLibrary, engine: engineConfig))
        }
        let loaded = app.pipeline
        let list = load.cycled(VideoInputs.expand(inputs))
        guard !list.isEmpty else { throw ValidationError("no videos found") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let config = RunConfiguration(concurrentVideos: load.maxInFlight, workerThreads: workerThreads)
        print("bench \(loaded.spec.name): \(list.count.counted("video")), \(cores.counted("core")), sampling \(loaded.spec.sampling)")

        var naive: ModeFigures?
        var naiveResults: [VideoResult] = []
        if !skipNaive {
            let sink = MemorySink()
            let report = try await NaiveRunner(pipeline: loaded).run(videos: list, sink: sink)
            naive = ModeFigures(report: report)
            naiveResults = await sink.results
            print(naive?.text("naive    ") ?? "")
        }
        let sink = MemorySink()
        let rate = try load.parsedRate()
        let report = try await app.run(videos: list, sink: sink, arrivals: try load.arrivalTimes(count: list.count, rate: rate), offeredRate: rate)
        let optimized = ModeFigures(report: report)
        let optimizedResults = await sink.results
        print(optimized.text("optimized"))

        var identical: Bool?
        if !naiveResults.isEmpty {
            identical = zip(naiveResults, optimizedResults).allSatisfy { a, b in
                a.status == b.status && JSONValue.array(a.frames.map(\.json)) == JSONValue.array(b.frames.map(\.json))
            }
            print("results identical to the naive mode (except timings): \(identical == true ? "yes" : "NO")")
        }

        let perVideo = optimized.stages.mapValues { Double($0.items) / Double(max(1, list.count)) }
        let bound = try await MachineBound.measure(pipeline: loaded, videos: Array(Set(list)).sorted(), itemsPerVideo: perVideo,
                                                   cores: cores, workers: config.workerThreads)
        let fraction = bound.videosPerSecond > 0 ? optimized.videosPerSecond / bound.videosPerSecond : 0
        let looseFraction = bound.decodeAndInferenceVideosPerSecond > 0 ? optimized.videosPerSecond / bound.decodeAndInferenceVideosPerSecond : 0
        print(String(format: "bound: %.3f videos/s (on %d cores: decode %.3f + preprocess %.3f + inference %.3f s/video at best batch)",
                     bound.videosPerSecond, cores, bound.decodeSecondsPerVideo, bound.preprocessSecondsPerVideo, bound.inferenceSecondsPerVideo))
        for name in bound.stageThroughput.keys.sorted() {
            guard let t = bound.stageThroughput[name] else { continue }
            print(String(format: "    %-12@ %.1f items/s at batch %d", name as NSString, t.itemsPerSecond, t.batch))
        }
        print(String(format: "end to end: %.0f%% of the bound (%.0f%% of decode + inference alone, %.3f videos/s)",
                     fraction * 100, looseFraction * 100, bound.decodeAndInferenceVideosPerSecond))
        var speedup: Double?
        if let naive, naive.videosPerSecond > 0 {
            speedup = optimized.videosPerSecond / naive.videosPerSecond
            print(String(format: "speedup over naive: %.2fx videos/s; p99 %.2f s -> %.2f s", speedup ?? 0, naive.p99Seconds, optimized.p99Seconds))
        }
        var lightLoadRatio: Double?
        if lightLoad {
            var ratios: [Double] = []
            for video in Array(Set(list)).sorted() {
                let alone = try await PipelineRunner(pipeline: loaded, configuration: config).run(videos: [video], sink: MemorySink())
                let engineRun = try await app.run(videos: [video], sink: MemorySink())
                let a = alone.latencyPercentile(50), e = engineRun.latencyPercentile(50)
                ratios.append(e / max(a, 1e-9))
                print(String(format: "light load: %@  engine %.3f s vs alone (sequential engine) %.3f s  (%.2fx)",
                             (video as NSString).lastPathComponent, e, a, e / max(a, 1e-9)))
            }
            lightLoadRatio = ratios.max()
            print(String(format: "light load: worst engine/alone latency ratio %.2f", lightLoadRatio ?? 0))
        }
        if let json {
            var fields: [JSONField] = [
                JSONField("pipeline", .string(loaded.spec.name)), JSONField("videos", .number(Double(list.count))),
                JSONField("cores", .number(Double(cores))),
            ]
            if let naive { fields.append(JSONField("naive", naive.json)) }
            fields.append(JSONField("optimized", optimized.json))
            fields.append(JSONField("engine_report", report.json))
            fields.append(JSONField("bound", .object([
                "videos_per_second": .number(bound.videosPerSecond),
                "decode_seconds_per_video": .number(bound.decodeSecondsPerVideo),
                "inference_seconds_per_video": .number(bound.inferenceSecondsPerVideo),
                "preprocess_seconds_per_video": .number(bound.preprocessSecondsPerVideo),
                "decode_and_inference_videos_per_second": .number(bound.decodeAndInferenceVideosPerSecond),
            ])))
            fields.append(JSONField("speedup", speedup.map { .number($0) } ?? .null))
            fields.append(JSONField("bound_fraction", .number(fraction)))
            fields.append(JSONField("decode_and_inference_bound_fraction", .number(looseFraction)))
            fields.append(JSONField("identical_results", identical.map { .bool($0) } ?? .null))
            fields.append(JSONField("light_load_worst_ratio", lightLoadRatio.map { .number($0) } ?? .null))
            do { try CheckedWrite.replace(json, with: JSONValue.object(fields).jsonText + "\n") } catch {
                FileHandle.standardError.write(Data("error: cannot write --json \(json): \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
