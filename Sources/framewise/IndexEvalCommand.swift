import ArgumentParser
import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseIndex
import FramewiseRuntime

/// `framewise index-eval INDEX_PIPELINE GT_PIPELINE VIDEOS...`: GT on every sampled frame as the
/// truth; K and T swept; per-class recall and precision, ingest and query cost; the cheapest (K, T)
/// meeting a recall target.
struct IndexEvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index-eval",
        abstract: "Measure an index pipeline against a GT pipeline: recall, precision, ingest and query cost over K and T.",
        discussion: """
            Both pipelines run once over the videos through the engine (the GT pipeline with its own sampling, which \
            should match the index pipeline's). Each (K, T) is then computed as `index` and `query` would: frames \
            clustered per video at threshold T, a class's candidates are the clusters whose frames' top-K hold it, \
            a candidate is confirmed when its centroid's GT is the class. Classes are those the GT finds on at least \
            --min-frames frames. Ingest cost: the index pipeline's model seconds (preprocess, inference, post-process) \
            against the GT pipeline's on every frame; query cost: GT runs on candidate centroids against GT on every \
            frame. The chosen point is the cheapest query whose every class reaches --recall-target.
            """)

    @Argument(help: "Index pipeline YAML (raw head with the scores and features outputs).") var pipeline: String
    @Argument(help: "Ground-truth pipeline YAML (a classify stage).") var gt: String
    @Argument(help: "Video files or folders.") var inputs: [String]
    @Option(help: "K values to sweep, comma-separated.") var k = "1,3,5,10,20"
    @Option(help: "Thresholds T to sweep, comma-separated (0: every frame its own cluster).") var t = "0,0.1,0.2,0.3,0.4,0.5"
    @Option(name: .customLong("recall-target"), help: "Recall every class must reach.") var recallTarget = 0.95
    @Option(name: .customLong("min-frames"), help: "Classes evaluated: GT top-1 on at least this many frames.") var minFrames = 20
    @Option(name: .customLong("max-cluster-size"), help: "Most frames per cluster.") var maxClusterSize = 200
    @Option(name: .customLong("max-span"), help: "Longest time a cluster spans, in seconds.") var maxSpan = 30.0
    @Option(help: "Stage whose outputs are indexed (default: the first).") var stage: String?
    @Option(help: "Also evaluate a head specialised to these videos: the N most frequent GT classes plus OTHER, a softmax on the cheap features trained on every --train-every'th frame (0: off).")
    var specialize = 0
    @Option(name: .customLong("train-every"), help: "With --specialize: train on every Nth sampled frame (its GT is part of the ingest cost).")
    var trainEvery = 5
    @Option(name: .customLong("worker-threads"), help: "Threads for preprocessing and inference (default: the core count).") var workerThreads: Int?
    @Option(help: "Write the full figures as JSON here.") var json: String?
    @OptionGroup var engine: EngineOptions

    var ks: [Int] { k.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var ts: [Float] { t.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one video file or folder") }
        if ks.isEmpty || ks.contains(where: { $0 < 1 }) { throw ValidationError("--k: give K values of at least 1, e.g. 1,5,10") }
        if ts.isEmpty || ts.contains(where: { !($0 >= 0 && $0 <= 2) }) { throw ValidationError("--t: give thresholds within 0...2, e.g. 0,0.2,0.4") }
        if !(recallTarget > 0 && recallTarget <= 1) { throw ValidationError("--recall-target must be within (0, 1], got \(recallTarget)") }
        if minFrames < 1 { throw ValidationError("--min-frames must be at least 1") }
        if specialize < 0 { throw ValidationError("--specialize must be 0 (off) or more, got \(specialize)") }
        if trainEvery < 1 { throw ValidationError("--train-every must be at least 1, got \(trainEvery)") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let videos = VideoInputs.expand(inputs)
        let config = EngineConfiguration(workerThreads: workerThreads)
        let cheapApp = try reportingAppErrors { try buildApplication(AppConfiguration(pipelinePath: pipeline, ortLibrary: engine.ortLibrary, engine: config)) }
        let gtApp = try reportingAppErrors { try buildApplication(AppConfiguration(pipelinePath: gt, ortLibrary: engine.ortLibrary, engine: config)) }
        guard let gtStage = GroundTruthRunner.classifyStage(of: gtApp.pipeline.spec) else {
            FileHandle.standardError.write(Data("error: \(gt): the ground-truth pipeline needs a stage with a classify head\n".utf8))
            throw ExitCode(2)
        }
        let cheapRun = ResultCollector(), gtRun = ResultCollector()
        let cheapReport = try await cheapApp.run(videos: videos, sink: cheapRun)
        let gtReport = try await gtApp.run(videos: videos, sink: gtRun)
        let settings = IndexSettings(topK: ks.max() ?? 1, stage: stage)
        var truth: [String: GroundTruthLabel] = [:]
        var gtSeconds = 0.0, cheapSeconds = 0.0, decodeSeconds = 0.0
        for r in await gtRun.results where r.status == .ok {
            gtSeconds += r.stats.stages.values.reduce(0) { $0 + $1.preprocessSeconds + $1.inferenceSeconds + $1.postprocessSeconds }
            for f in r.frames { truth["\(r.video)#\(f.sourceIndex ?? f.index)"] = try GroundTruthRunner.label(f, stage: gtStage.stage, labels: gtStage.labels, video: r.video) }
        }
        var frames: [EvaluationFrame] = []
        for r in await cheapRun.results where r.status == .ok {
            cheapSeconds += r.stats.stages.values.reduce(0) { $0 + $1.preprocessSeconds + $1.inferenceSeconds + $1.postprocessSeconds }
            decodeSeconds += r.stats.decodeSeconds
            for f in try FrameOutputs.frames(of: r, settings: settings) {
                frames.append(EvaluationFrame(video: r.video, time: f.time, topK: f.topK, feature: f.feature,
                                              groundTruth: truth["\(r.video)#\(f.sourceIndex ?? f.sampleIndex)"]?.classID))
            }
        }
        let classes = IndexEvaluation.frequentClasses(frames, minFrames: minFrames)
        let clustering = ClusteringConfiguration(threshold: 0, maxSize: maxClusterSize, maxSpan: maxSpan)
        let points = IndexEvaluation.evaluate(frames: frames, ks: ks, thresholds: ts, classes: classes, labels: gtStage.labels, clustering: clustering)
        let chosen = IndexEvaluation.cheapest(points, recallTarget: recallTarget)
        var specialized: SpecializedEval?
        if specialize > 0 {
            let training = frames.enumerated().filter { $0.offset % trainEvery == 0 && $0.element.groundTruth != nil }.map(\.element)
            let head = SpecializedHead(features: training.map(\.feature), labels: training.compactMap(\.groundTruth), keep: specialize)
            var own = frames
            for i in own.indices { own[i].topK = head.topK(own[i].feature, k: ks.max() ?? 1) }
            let ownPoints = IndexEvaluation.evaluate(frames: own, ks: ks, thresholds: ts, classes: classes, labels: gtStage.labels, clustering: clustering)
            specialized = SpecializedEval(kept: head.classIDs.map { $0 < gtStage.labels.count ? gtStage.labels[$0] : String($0) }, trainFrames: training.count,
                                          trainGTSeconds: gtSeconds * Double(training.count) / Double(max(1, frames.count)),
                                          chosen: IndexEvaluation.cheapest(ownPoints, recallTarget: recallTarget), points: ownPoints)
        }
        let summary = EvalSummary(videos: videos.count, frames: frames.count, cheapModelSeconds: cheapSeconds, gtModelSeconds: gtSeconds,
                                  decodeSeconds: decodeSeconds, cheapWallSeconds: cheapReport.wallSeconds, gtWallSeconds: gtReport.wallSeconds,
                                  recallTarget: recallTarget, minFrames: minFrames, classes: classes.map { $0 < gtStage.labels.count ? gtStage.labels[$0] : String($0) },
                                  chosen: chosen, points: points, specialized: specialized)
        StandardOutput.write(summary.text + "\n")
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do { try encoder.encode(summary).write(to: URL(fileURLWithPath: json)) } catch {
                FileHandle.standardError.write(Data("error: cannot write \(json): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// Keeps every result of a run.
actor ResultCollector: ResultSink {
    private(set) var results: [VideoResult] = []
    func write(_ result: VideoResult) async throws { results.append(result) }
    func finish() async throws {}
}

/// What `index-eval` reports (its `--json`).
struct EvalSummary: Codable {
    var videos: Int
    var frames: Int
    var cheapModelSeconds: Double
    var gtModelSeconds: Double
    var decodeSeconds: Double
    var cheapWallSeconds: Double
    var gtWallSeconds: Double
    var recallTarget: Double
    var minFrames: Int
    var classes: [String]
    var chosen: EvaluationPoint?
    var points: [EvaluationPoint]
    var specialized: SpecializedEval?

    var text: String {
        var lines = [header] + Self.table(points: points, chosen: chosen, recallTarget: recallTarget)
        if let s = specialized {
            let ingest = gtModelSeconds / max(cheapModelSeconds + s.trainGTSeconds, 1e-9)
            lines.append("specialised head: \(s.kept.count) classes + OTHER (\(s.kept.joined(separator: "; "))), trained on \(s.trainFrames) frames "
                         + String(format: "(GT on them %.1f model-s: ingest %.2fx cheaper than GT on every frame)", s.trainGTSeconds, ingest))
            lines += Self.table(points: s.points, chosen: s.chosen, recallTarget: recallTarget)
        }
        return lines.joined(separator: "\n")
    }

    var header: String {
        func f(_ v: Double, _ p: Int = 3) -> String { String(format: "%.\(p)f", v) }
        return ["\(videos) videos, \(frames) frames; ingest: index pipeline \(f(cheapModelSeconds, 1)) model-s vs GT on every frame \(f(gtModelSeconds, 1)) model-s "
                     + "(\(f(gtModelSeconds / max(cheapModelSeconds, 1e-9), 2))x cheaper; decoding \(f(decodeSeconds, 1)) s, shared)",
                     "classes with GT on >= \(minFrames) frames: " + (classes.isEmpty ? "none" : classes.joined(separator: "; "))].joined(separator: "\n")
    }

    static func table(points: [EvaluationPoint], chosen: EvaluationPoint?, recallTarget: Double) -> [String] {
        func f(_ v: Double, _ p: Int = 3) -> String { String(format: "%.\(p)f", v) }
        var lines = ["K    T      clusters  min recall  mean recall  mean precision  query cost  query speed-up"]
        for p in points {
            lines.append(String(format: "%-4ld %-6.2f %8ld  %10.3f  %11.3f  %14.3f  %10.4f  %13.1fx", p.k, Double(p.threshold), p.clusters, p.minRecall,
                                p.meanRecall, p.meanPrecision, p.meanQueryCost, p.meanQueryCost > 0 ? 1 / p.meanQueryCost : 0))
        }
        if let c = chosen {
            lines.append("cheapest meeting recall \(f(recallTarget, 2)): K=\(c.k) T=\(f(Double(c.threshold), 2)): min recall \(f(c.minRecall)), "
                         + "mean precision \(f(c.meanPrecision)), query \(f(c.meanQueryCost > 0 ? 1 / c.meanQueryCost : 0, 1))x fewer GT runs than GT on every frame")
            for cl in c.classes {
                lines.append("  \(cl.label): \(cl.truthFrames) frames, recall \(f(cl.recall)), precision \(f(cl.precision)), \(cl.candidates) centroids run")
            }
        } else {
            lines.append("no (K, T) reaches recall \(f(recallTarget, 2)) on every class")
        }
        return lines
    }
}

/// The specialised head's figures in `index-eval`.
struct SpecializedEval: Codable {
    var kept: [String]
    var trainFrames: Int
    /// GT model seconds on the training frames (added to the ingest cost).
    var trainGTSeconds: Double
    var chosen: EvaluationPoint?
    var points: [EvaluationPoint]
}
