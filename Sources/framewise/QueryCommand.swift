import ArgumentParser
import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseIndex
import FramewiseRuntime

/// `framewise query --index DIR --class NAME|ID [--gt PIPELINE]`: the frames of a class, from the
/// index's candidate clusters confirmed by the ground-truth pipeline on their centroids only.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find the frames of a class in an index: GT model on candidate clusters' centroids only, answer as JSONL.",
        discussion: """
            Candidates are the clusters whose frames' top-K hold the class. With --gt, the ground-truth pipeline (a \
            normal pipeline with a classify stage, e.g. examples/index/gt.yaml) runs through the engine on the \
            candidates' centroid frames only, and a cluster matches when its centroid's top-1 class is the class; the \
            labels are cached in the index, so later queries reuse them. Without --gt every candidate matches. Each \
            matching frame is one JSON line: video, time (s), frame (sample number), source_frame, cluster.
            """)

    @Option(help: "Index folder (made by `framewise index`).") var index: String
    @Option(name: .customLong("class"), help: "Class id, or a name from the labels (a label or one of its comma-separated synonyms).")
    var className: String
    @Option(help: "Ground-truth pipeline YAML file (a classify stage), run on candidate centroids.") var gt: String?
    @Option(name: .customLong("top-k"), parsing: .unconditional, help: "Use a smaller K than the index keeps (default: the index's).") var topK: Int?
    @Option(name: .customLong("recall-target"), help: "Pick K from --calibration: the cheapest K at the index's threshold whose every class reached this recall.")
    var recallTarget: Double?
    @Option(help: "An `index-eval --json` file to pick K from (with --recall-target).") var calibration: String?
    @Option(name: .shortAndLong, help: "Write JSONL here (default: standard output).") var output: String?
    @Option(name: .customLong("worker-threads"), parsing: .unconditional, help: "Threads for preprocessing and inference (default: the core count).")
    var workerThreads: Int?
    @Flag(help: "No summary.") var quiet = false
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if !FileManager.default.fileExists(atPath: index + "/index.sqlite") { throw ValidationError("--index: no index in \(index) (make one with `framewise index`)") }
        if let gt, !FileManager.default.fileExists(atPath: gt) { throw ValidationError("--gt: \(gt) does not exist") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1, got \(t)") }
        if let k = topK, k < 1 { throw ValidationError("--top-k must be at least 1, got \(k)") }
        if (recallTarget == nil) != (calibration == nil) { throw ValidationError("--recall-target and --calibration go together") }
        if recallTarget != nil, topK != nil { throw ValidationError("give --top-k or --recall-target, not both") }
        if let r = recallTarget, !(r > 0 && r <= 1) { throw ValidationError("--recall-target must be within (0, 1], got \(r)") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let started = ContinuousClock.now
        let store: IndexStore
        let settings: IndexSettings
        do {
            store = try IndexStore(directory: index)
            settings = try store.settings() ?? IndexSettings()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var topK = self.topK
        if let recallTarget, let calibration {
            struct Calibration: Decodable { var points: [EvaluationPoint] }
            let points: [EvaluationPoint]
            do { points = try JSONDecoder().decode(Calibration.self, from: Data(contentsOf: URL(fileURLWithPath: calibration))).points } catch {
                FileHandle.standardError.write(Data("error: --calibration \(calibration): \(error)\n".utf8))
                throw ExitCode(2)
            }
            guard let k = IndexEvaluation.queryK(points, threshold: settings.clustering.threshold, maxK: settings.topK, recallTarget: recallTarget) else {
                FileHandle.standardError.write(Data(("error: --calibration \(calibration): no K <= \(settings.topK) at the index's threshold "
                                                     + "\(settings.clustering.threshold) reached recall \(recallTarget) on every class\n").utf8))
                throw ExitCode(2)
            }
            if !quiet { FileHandle.standardError.write(Data("recall target \(recallTarget): K=\(k) (from \(calibration))\n".utf8)) }
            topK = k
        }
        if let topK, topK > settings.topK {
            FileHandle.standardError.write(Data("error: --top-k \(topK): the index keeps the top \(settings.topK) classes per frame\n".utf8))
            throw ExitCode(2)
        }
        var runner: GroundTruthRunner?
        if let gt {
            let backend = try reportingAppErrors { try PipelineLoading.backend(ortLibrary: engine.ortLibrary) }
            do {
                let spec = try PipelineLoader.load(path: gt)
                runner = try GroundTruthRunner(spec: spec, backend: backend, engine: EngineConfiguration(workerThreads: workerThreads))
            } catch {
                FileHandle.standardError.write(Data("error: --gt \(gt): \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let labels = settings.labels.isEmpty ? (runner?.labels ?? []) : settings.labels
        guard let classID = ClassResolver.resolve(className, labels: labels) else {
            FileHandle.standardError.write(Data("error: \(IndexError.unknownClass(className))\n".utf8))
            throw ExitCode(2)
        }
        let answer: QueryAnswer
        do {
            answer = try await IndexQuery.run(store: store, classID: classID, groundTruth: runner, topK: topK)
        } catch {
            FileHandle.standardError.write(Data("error: query \(index): \(error)\n".utf8))
            throw ExitCode(1)
        }
        var text = ""
        for f in answer.frames {
            var fields = [JSONField("video", .string(f.video)), JSONField("time", .number((f.time * 1000).rounded() / 1000)),
                          JSONField("frame", .number(Double(f.sampleIndex)))]
            if let s = f.sourceIndex { fields.append(JSONField("source_frame", .number(Double(s)))) }
            fields.append(JSONField("cluster", .number(Double(f.clusterID))))
            text += JSONValue.object(fields).jsonText + "\n"
        }
        if let output {
            do { try CheckedWrite.replace(output, with: text) } catch {
                FileHandle.standardError.write(Data("error: cannot write \(output): \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
        } else {
            StandardOutput.write(text)
        }
        if !quiet {
            let name = classID < labels.count ? " (\(labels[classID]))" : ""
            let gtText = runner == nil ? "no ground truth" : "ground truth on \(answer.centroidsRun + answer.centroidsCached) centroids ("
                + "\(answer.centroidsRun) run, \(answer.centroidsCached) cached, " + String(format: "%.2f s)", answer.groundTruthSeconds)
            let seconds = (ContinuousClock.now - started).seconds
            let other = answer.viaOther ? " (the specialised head does not know this class: candidates are the clusters it put in OTHER)" : ""
            FileHandle.standardError.write(Data(("class \(classID)\(name): \(answer.candidates) candidate clusters\(other), \(answer.confirmed) confirmed, "
                                                 + "\(answer.frames.count) frames; \(gtText); " + String(format: "%.2f s in all\n", seconds)).utf8))
        }
    }
}
