import ArgumentParser
import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseIndex
import FramewiseRuntime

/// `framewise index PIPELINE VIDEOS... --index DIR`: runs the cheap index pipeline over the videos
/// (a normal engine run) and adds each video's top-K classes, features and clusters to the index.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index videos at ingest: a cheap model's top-K classes and features per frame, clustered, in SQLite.",
        discussion: """
            The index pipeline is a normal pipeline: its stage (--stage, default the first) must write the class \
            scores (--scores-output, default logits) and a feature vector (--features-output, default features) with a \
            raw head, e.g. examples/index/cheap.yaml. Each frame keeps its top-K classes; frames are clustered \
            incrementally per video (a frame joins the nearest open cluster whose mean is closer than --threshold, \
            between L2-normalised features; clusters are capped in size and time span). The index grows: running again \
            with more videos adds them (a video indexed again is replaced). Settings are fixed when the index is created.

            --specialize N --gt GT.yaml (Focus' specialisation): on the first run into a new index, the ground truth labels             every --train-every-th frame, a softmax head on the cheap model's features learns the N most frequent labels             plus OTHER, and every frame stores the head's top-K (OTHER included). The head is kept in the index: later             runs use it; a query for a class it does not know looks among the OTHER clusters.
            """)

    @Argument(help: "Index pipeline YAML file (the cheap model).") var pipeline: String
    @Argument(help: "Video files or folders.") var inputs: [String]
    @Option(help: "Index folder (created if missing; holds index.sqlite).") var index: String
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Classes kept per frame (default 5).") var topK: Int?
    @Option(parsing: .unconditional, help: "Cluster distance threshold between normalised features, 0...2 (default 0.3; 0: every frame its own cluster).")
    var threshold: Float?
    @Option(name: .customLong("max-cluster-size"), parsing: .unconditional, help: "Most frames per cluster (default 200).") var maxClusterSize: Int?
    @Option(name: .customLong("max-span"), parsing: .unconditional, help: "Longest time a cluster spans, in seconds (default 30).") var maxSpan: Double?
    @Option(help: "Stage whose outputs are indexed (default: the pipeline's first).") var stage: String?
    @Option(name: .customLong("scores-output"), help: "Output with the class scores (default logits).") var scoresOutput: String?
    @Option(name: .customLong("features-output"), help: "Output with the feature vector (default features).") var featuresOutput: String?
    @Flag(name: .customLong("no-softmax"), help: "The scores are probabilities already (no softmax).") var noSoftmax = false
    @Option(help: "Class names, one per line (for --class NAME in queries).") var labels: String?
    @Option(name: .customLong("worker-threads"), parsing: .unconditional, help: "Threads for preprocessing and inference (default: the core count).")
    var workerThreads: Int?
    @Option(parsing: .unconditional, help: "Specialise: keep the N most frequent ground-truth classes plus OTHER (needs --gt on a new index).")
    var specialize: Int?
    @Option(help: "Ground-truth pipeline that labels the training frames of --specialize.") var gt: String?
    @Option(name: .customLong("train-every"), parsing: .unconditional, help: "With --specialize: label every Nth sampled frame (default 10).")
    var trainEvery = 10
    @Flag(help: "No summary.") var quiet = false
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one video file or folder") }
        if let k = topK, k < 1 { throw ValidationError("--top-k must be at least 1, got \(k)") }
        if let t = threshold, !(t >= 0 && t <= 2) { throw ValidationError("--threshold must be within 0...2, got \(t)") }
        if let n = maxClusterSize, n < 1 { throw ValidationError("--max-cluster-size must be at least 1, got \(n)") }
        if let s = maxSpan, !(s > 0) { throw ValidationError("--max-span must be above 0, got \(s)") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1, got \(t)") }
        if let labels, !FileManager.default.fileExists(atPath: labels) { throw ValidationError("--labels: \(labels) does not exist") }
        if let n = specialize, n < 1 { throw ValidationError("--specialize must be at least 1, got \(n)") }
        if trainEvery < 1 { throw ValidationError("--train-every must be at least 1, got \(trainEvery)") }
        if gt != nil, specialize == nil { throw ValidationError("--gt is for --specialize (queries take their own --gt)") }
        if let gt, !FileManager.default.fileExists(atPath: gt) { throw ValidationError("--gt: \(gt) does not exist") }
    }

    /// The settings asked for, on top of the index's own (an asked value that differs is refused).
    func settings(existing: IndexSettings?) throws -> IndexSettings {
        var s = existing ?? IndexSettings()
        func check<T: Equatable>(_ field: String, _ asked: T?, _ path: WritableKeyPath<IndexSettings, T>) throws {
            guard let asked else { return }
            if existing != nil, s[keyPath: path] != asked {
                throw IndexError.settingsMismatch(field: field, index: "\(s[keyPath: path])", asked: "\(asked)")
            }
            s[keyPath: path] = asked
        }
        try check("--top-k", topK, \.topK)
        try check("--threshold", threshold, \.clustering.threshold)
        try check("--max-cluster-size", maxClusterSize, \.clustering.maxSize)
        try check("--max-span", maxSpan, \.clustering.maxSpan)
        try check("--stage", stage, \.stage)
        try check("--scores-output", scoresOutput, \.scoresOutput)
        try check("--features-output", featuresOutput, \.featuresOutput)
        try check("--no-softmax", noSoftmax ? false : nil, \.softmax)
        if let n = specialize, let head = existing?.specialization?.head, head.classIDs.count != n {
            throw IndexError.settingsMismatch(field: "--specialize", index: "\(head.classIDs.count)", asked: "\(n)")
        }
        if let labels {
            let names = try String(contentsOfFile: labels, encoding: .utf8).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            try check("--labels", names, \.labels)
        }
        return s
    }

    func run() async throws {
        engine.bootstrapLogging()
        let store: IndexStore
        let settings: IndexSettings
        do {
            store = try IndexStore(directory: index)
            settings = try self.settings(existing: try store.settings())
            if specialize != nil, settings.specialization == nil, gt == nil {
                FileHandle.standardError.write(Data("error: --specialize on a new index needs --gt GT_PIPELINE to label its training frames\n".utf8))
                throw ExitCode(2)
            }
            try store.saveSettings(settings)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let app = try reportingAppErrors {
            try buildApplication(AppConfiguration(pipelinePath: pipeline, ortLibrary: engine.ortLibrary,
                                                  engine: EngineConfiguration(workerThreads: workerThreads)))
        }
        let videos = VideoInputs.expand(inputs)
        let training = specialize != nil && settings.specialization == nil
        var sink = IndexingSink(store: store, settings: settings)
        let held = ResultCollector()
        let bar = quiet ? nil : ProgressBar(total: videos.count)
        let report: RunReport
        do {
            let target: any ResultSink = training ? held : sink
            report = try await app.run(videos: videos, sink: target) { done, total in bar?.update(done: done, total: total) }
        } catch {
            bar?.finish()
            FileHandle.standardError.write(Data("error: index \(index): \(error)\n".utf8))
            throw ExitCode(1)
        }
        bar?.finish()
        if training, let keep = specialize, let gt {
            let results = await held.results
            do {
                let backend = try PipelineLoading.backend(ortLibrary: engine.ortLibrary)
                let runner = try GroundTruthRunner(spec: try PipelineLoader.load(path: gt), backend: backend,
                                                   engine: EngineConfiguration(workerThreads: workerThreads))
                let specialization = try await IndexSpecializer.train(results, settings: settings, groundTruth: runner, keep: keep, every: trainEvery)
                var specialized = settings
                specialized.specialization = specialization
                try store.saveSettings(specialized)
                let specializedSink = IndexingSink(store: store, settings: specialized)
                for result in results { try await specializedSink.write(result) }
                sink = specializedSink
                if !quiet {
                    let names = specialization.head.classIDs.map { $0 < settings.labels.count ? settings.labels[$0] : (
                        $0 < runner.labels.count ? runner.labels[$0] : String($0)) }
                    StandardOutput.write("specialised head: \(names.joined(separator: "; ")); OTHER; trained on "
                                         + "\(specialization.trainFrames) frames labelled by \(gt) (" + String(format: "%.1f s of ground truth)\n",
                                                                                                  specialization.groundTruthSeconds))
                }
            } catch {
                FileHandle.standardError.write(Data("error: --specialize: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        for (video, error) in await sink.failed { FileHandle.standardError.write(Data("failed: \(video): \(error)\n".utf8)) }
        let indexed = await sink.indexed.count
        if !quiet, let summary = try? store.summary() {
            let frames = await sink.frames, clusters = await sink.clusters
            let perCluster = Double(frames) / Double(max(1, clusters))
            let kib = Double(summary.bytes) / 1024
            StandardOutput.write("indexed \(indexed) of \(videos.count) videos: \(frames) frames in \(clusters) clusters ("
                                 + String(format: "%.1f frames per cluster) in %.1f s; ", perCluster, report.wallSeconds)
                                 + "index \(store.path): \(summary.videos) videos, \(summary.frames) frames, \(summary.clusters) clusters, "
                                 + String(format: "%.0f KiB (%.1f KiB per 1,000 frames)\n", kib, kib / Double(max(1, summary.frames)) * 1000))
        }
        if indexed == 0 { throw ExitCode(1) }
    }
}
