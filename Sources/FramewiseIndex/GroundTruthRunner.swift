import Foundation
import FramewiseCore
import FramewiseRuntime

/// Runs a ground-truth pipeline on chosen frames only, through the normal streaming engine: the
/// frames are copied bit for bit into one Y4M file per video (`FrameExtractor`), and the pipeline,
/// with its sampling set to every frame, runs over those files (batching across videos as usual).
/// A frame's label is the top-1 class of the pipeline's (last) classify stage. The models are
/// loaded when frames need labels, not before: a query whose centroids' labels are all cached in
/// the index never loads them.
public struct GroundTruthRunner: Sendable {
    /// The pipeline, sampling every frame (its models not loaded yet).
    public let spec: PipelineSpec
    public let backend: any InferenceBackend
    public let engine: EngineConfiguration
    /// The classify stage read, and its labels.
    public let stage: String
    public let labels: [String]
    /// Names this ground truth in the index's label cache: the pipeline's name and a hash of its file.
    public let key: String
    /// Frames per engine run (bounds the temporary Y4M files).
    public var chunk = 256

    /// `spec` (sampling replaced by every frame) to run with `backend`, loaded on first use.
    public init(spec: PipelineSpec, backend: any InferenceBackend, engine: EngineConfiguration = EngineConfiguration()) throws {
        var everyFrame = spec
        everyFrame.sampling = .everyFrame
        guard let classify = Self.classifyStage(of: spec) else {
            throw IndexError.groundTruth("\(spec.file): the ground-truth pipeline needs a stage with a classify head")
        }
        self.spec = everyFrame
        self.backend = backend
        self.engine = engine
        stage = classify.stage
        labels = classify.labels
        let hash = (try? SHA256.hex(ofFile: spec.file)) ?? "nohash"
        key = "\(spec.name):\(hash.prefix(16))"
    }

    /// The class id of a label the head writes (its position in the labels; else the label as a number).
    public func classID(of label: String) -> Int? {
        labels.firstIndex(of: label) ?? Int(label)
    }

    /// Ground-truth labels of `frames` (keyed by frame id), and the seconds the engine spent. The
    /// models are loaded once per call, and only when there are frames.
    public func labels(for frames: [FrameRef]) async throws -> (labels: [Int64: GroundTruthLabel], seconds: Double) {
        guard !frames.isEmpty else { return ([:], 0) }
        let pipeline: LoadedPipeline
        do { pipeline = try LoadedPipeline(spec: spec, backend: backend) } catch {
            throw IndexError.groundTruth("\(spec.file): cannot load the ground-truth models: \(error)")
        }
        var out: [Int64: GroundTruthLabel] = [:]
        var seconds = 0.0
        for start in stride(from: 0, to: frames.count, by: max(1, chunk)) {
            let part = Array(frames[start..<min(start + max(1, chunk), frames.count)])
            let (labels, s) = try await run(part, on: pipeline)
            out.merge(labels) { a, _ in a }
            seconds += s
        }
        return (out, seconds)
    }

    private func run(_ frames: [FrameRef], on pipeline: LoadedPipeline) async throws -> ([Int64: GroundTruthLabel], Double) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-gt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var videos: [String] = []
        var byVideo: [String: [FrameRef]] = [:]
        for f in frames {
            if byVideo[f.video] == nil { videos.append(f.video) }
            byVideo[f.video, default: []].append(f)
        }
        var files: [String] = []
        var served: [String: [FrameRef]] = [:]
        for (i, video) in videos.enumerated() {
            let wanted = byVideo[video] ?? []
            let file = folder.appendingPathComponent("\(i).y4m").path
            let order = try FrameExtractor.extract(wanted, of: video, to: file)
            files.append(file)
            served[file] = order.map { wanted[$0] }
        }
        let sink = CollectingResults()
        _ = try await StreamingEngine(pipeline: pipeline, configuration: engine).run(videos: files, sink: sink)
        var out: [Int64: GroundTruthLabel] = [:]
        var seconds = 0.0
        for result in await sink.results {
            guard result.status == .ok else {
                throw IndexError.groundTruth("\(result.video): \(result.error ?? "failed")")
            }
            seconds += FrameOutputs.cost(of: result)
            let refs = served[result.video] ?? []
            for frame in result.frames where frame.index < refs.count {
                out[refs[frame.index].frameID] = try label(frame, video: refs[frame.index].video)
            }
        }
        guard out.count == Set(frames.map(\.frameID)).count else {
            throw IndexError.groundTruth("labelled \(out.count) of \(frames.count) frames")
        }
        return (out, seconds)
    }

    func label(_ frame: FrameResult, video: String) throws(IndexError) -> GroundTruthLabel {
        try Self.label(frame, stage: stage, labels: labels, video: video)
    }

    /// The top-1 label that `stage`'s classify head wrote for `frame`, with its class id in `labels`.
    public static func label(_ frame: FrameResult, stage: String, labels: [String], video: String) throws(IndexError) -> GroundTruthLabel {
        guard let output = frame.outputs.first(where: { $0.key == stage })?.value,
              case let .array(top)? = output["top"], let first = top.first,
              case let .string(label)? = first["label"] else {
            throw .groundTruth("\(video) frame at \(frame.time) s: stage '\(stage)' gave no top label")
        }
        return GroundTruthLabel(classID: labels.firstIndex(of: label) ?? Int(label), label: label, score: Float(first["score"]?.number ?? 0))
    }

    /// The stage whose classify head is the ground truth (the last one) and its labels.
    public static func classifyStage(of spec: PipelineSpec) -> (stage: String, labels: [String])? {
        for stage in spec.stages.reversed() {
            if case let .classify(head) = stage.postprocess { return (stage.name, head.labels) }
        }
        return nil
    }
}

/// Keeps every result (the ground-truth run's sink).
actor CollectingResults: ResultSink {
    private(set) var results: [VideoResult] = []
    func write(_ result: VideoResult) async throws { results.append(result) }
    func finish() async throws {}
}
