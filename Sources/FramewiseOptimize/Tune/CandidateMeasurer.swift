import FramewiseCore
import FramewiseMedia
import FramewisePlanner
import FramewisePostprocess
import FramewiseRuntime

/// Measures a stage's candidates: each registered variant at each input size (dynamic spatial
/// axes only; the width only for a text recogniser) and thread count is profiled as the engine runs
/// it (`StageProfiler`), and its outputs on what the stage is fed on the search videos' frames (the
/// frames, or the crops the reference's upstream stages cut from them) are compared with the
/// reference model's at the written size.
struct CandidateMeasurer {
    let reference: PipelineSpec
    /// The reference loaded: its upstream stages cut the crops crop stages are compared on.
    let referencePipeline: LoadedPipeline
    let backend: any InferenceBackend
    let request: TuneRequest
    /// Frames of the search videos, sampled as the pipeline samples them.
    let frames: [VideoFrame]
    /// Crops compared per crop stage, at most.
    var cropLimit = 96
    /// What each image stage is fed on `frames`, sampled once for all stages (`sampleImages`);
    /// a stage missing here is sampled on its own.
    var images: [String: [ImageSample]] = [:]

    /// The stage's candidates (the reference first) and notes on what was not tried.
    func measure(stage name: String, referenceStage: LoadedStage) throws -> (candidates: [TuneCandidate], notes: [String]) {
        guard let stage = reference.stage(named: name), let model = reference.model(named: stage.model) else {
            throw OptimizeError("stage '\(name)' is not in the pipeline")
        }
        var notes: [String] = []
        var variants = [PipelineSpec.originalVariant]
        var shapes: [CandidateShape] = [.written]
        var framed: (input: String, pre: PreprocessSpec)?
        var samples: [ImageSample] = []
        if case let .image(input, pre) = referenceStage.feed {
            samples = try images[name] ?? StageInputSampler.images(for: name, in: referencePipeline, frames: frames, limit: cropLimit)
            if samples.isEmpty {
                notes.append("stage '\(name)': its upstream stages found nothing to crop on the search videos; it keeps the original")
            } else {
                framed = (input, pre)
                variants += model.variants.keys.sorted()
                let shape = referenceStage.session.inputs.first(where: { $0.name == input })?.shape ?? []
                if model.preprocess != nil {
                    shapes += InputSizeCandidates.sizes(written: [pre.width, pre.height], shape: shape, layout: pre.layout,
                                                        head: referenceStage.head, factors: request.sizeFactors).map { .fixed($0) }
                    if let multiple = InputSizeCandidates.dynamicWidth(written: pre, shape: shape, head: referenceStage.head) {
                        shapes.append(.dynamic(multiple))
                    }
                    if let multiple = InputSizeCandidates.dynamicSize(written: pre, shape: shape, head: referenceStage.head) {
                        shapes.append(.dynamicSize(multiple))
                    }
                }
            }
        } else if !model.variants.isEmpty {
            notes.append("stage '\(name)': variants are measured on images only (not tensor joins); this stage keeps the original")
        }
        let batch = Self.comparisonBatch(referenceStage)
        // The threads the pipeline runs the model with are always among the candidates: the reference is one of them.
        let threadCounts = Array(Set(request.threads + [model.resolvedSession.intraOpThreads])).sorted()
        let referenceFrames = try framed.map { try ImageSamples.prepare(samples, $0.pre) }
        var out: [TuneCandidate] = []
        for variant in variants {
            for shape in shapes {
                var agreement = 1.0
                // A dynamic width (size) is profiled at the size the search videos' batches had on average.
                var dynamic: (frames: [PreparedFrame], shapes: [[Int]], meanSize: [Int])?
                if let multiple = shape.dynamicWidth, let framed {
                    dynamic = try Self.prepareDynamic(samples, framed.pre, multiple: multiple, height: shape.dynamicHeight != nil, batch: batch)
                }
                let size: [Int]? = switch shape {
                case .written: nil
                case let .fixed(s): s
                case .dynamic, .dynamicSize: dynamic?.meanSize
                }
                for (k, threads) in threadCounts.enumerated() {
                    let spec = try candidateSpec(stage: stage, variant: variant, size: size, threads: threads)
                    let loaded = try LoadedPipeline(spec: spec, backend: backend)
                    guard let candidate = loaded.stages.first(where: { $0.spec.name == name }) else { continue }
                    if k == 0, variant != PipelineSpec.originalVariant || shape != .written, let framed, let referenceFrames,
                       case let .image(_, pre) = candidate.feed {
                        let variantFrames = try dynamic?.frames ?? (size == nil ? nil : ImageSamples.prepare(samples, pre))
                        let accuracy = try VariantAccuracy.measure(
                            original: referenceStage.session, variant: candidate.session, input: framed.input, frames: referenceFrames,
                            itemShape: framed.pre.itemShape, batch: batch, head: referenceStage.head,
                            variantFrames: variantFrames, variantItemShape: pre.itemShape, variantBatchShapes: dynamic?.shapes)
                        agreement = accuracy.agreement ?? 0
                    }
                    let profiler = StageProfiler(configuration: .init(batches: nil, iterations: request.iterations, items: 16))
                    // Timed on what the stage is fed: the crops cut on the search frames, or the frames.
                    let timed = samples.isEmpty ? frames.map { ImageSample(frame: $0) } : samples
                    let profile = try profiler.profile(stage: candidate, images: timed, frameSource: "the search videos", device: request.device).profile
                    out.append(TuneCandidate(variant: variant, inputSize: shape.dynamicWidth == nil ? size : nil, dynamicWidth: shape.dynamicWidth,
                                             dynamicHeight: shape.dynamicHeight,
                                             threads: threads, profile: profile, agreement: agreement))
                }
            }
        }
        return (out, notes)
    }

    /// Fills `images` for every stage fed images, running the upstream stages once for all of them.
    mutating func sampleImages() throws {
        let names = referencePipeline.stages.filter { if case .image = $0.feed { true } else { false } }.map(\.spec.name)
        images = try StageInputSampler.images(for: names, in: referencePipeline, frames: frames, limit: cropLimit)
    }

    /// What a candidate changes about the model's input.
    enum CandidateShape: Equatable {
        case written
        case fixed([Int])
        /// The written size as the most, each batch as wide as its widest item (multiples of N).
        case dynamic(Int)
        /// The written size as the most, each batch as wide and as high as its largest item (multiples of N).
        case dynamicSize(Int)

        var dynamicWidth: Int? {
            switch self {
            case let .dynamic(multiple), let .dynamicSize(multiple): multiple
            default: nil
            }
        }

        var dynamicHeight: Int? {
            if case let .dynamicSize(multiple) = self { return multiple }
            return nil
        }
    }

    /// `samples` batched in order as the engine batches them (`batch` at a time), each batch
    /// preprocessed at its own width, and with `height` its own height (`PreprocessSpec.fitted`): the
    /// frames, each batch's item shape, and the mean [width, height] over the items (rounded up to the multiple).
    static func prepareDynamic(_ samples: [ImageSample], _ written: PreprocessSpec, multiple: Int, height: Bool = false,
                               batch: Int) throws -> (frames: [PreparedFrame], shapes: [[Int]], meanSize: [Int]) {
        var spec = written
        spec.dynamicWidth = multiple
        if height { spec.dynamicHeight = multiple }
        var frames: [PreparedFrame] = [], shapes: [[Int]] = [], widths = 0.0, heights = 0.0
        for start in stride(from: 0, to: samples.count, by: max(1, batch)) {
            let chunk = Array(samples[start..<min(start + max(1, batch), samples.count)])
            let fitted = spec.fitted(to: chunk.map { $0.frame.regionSize($0.crop) })
            frames += try ImageSamples.prepare(chunk, fitted)
            shapes.append(fitted.itemShape)
            widths += Double(fitted.width * chunk.count)
            heights += Double(fitted.height * chunk.count)
        }
        let n = Double(max(1, samples.count))
        return (frames, shapes, [spec.batchWidth(needed: widths / n), spec.batchHeight(needed: heights / n)])
    }

    /// The stage, the stages it depends on and their models, with the candidate's changes.
    func candidateSpec(stage: StageSpec, variant: String, size: [Int]?, threads: Int) throws -> PipelineSpec {
        var needed: [String] = []
        var queue = [stage.name]
        while let next = queue.popLast() {
            guard !needed.contains(next), let s = reference.stage(named: next) else { continue }
            needed.append(next)
            queue += s.dependencies
        }
        var spec = reference
        spec.stages = reference.stages.filter { needed.contains($0.name) }
        spec.models = reference.models.filter { m in spec.stages.contains { $0.model == m.name } }
        spec.summary = []
        return try spec.runningModel(stage.model, variant: variant, inputSize: size, threads: threads)
    }

    /// The model's fixed batch size, else 4 (at most its batch limit).
    static func comparisonBatch(_ stage: LoadedStage) -> Int {
        if let fixed = stage.session.inputs.first?.shape.first, fixed > 0 { return fixed }
        return max(1, min(4, stage.model.batchLimit))
    }

    /// Up to `limit` frames from `videos`, spread over them, sampled with `sampling`.
    static func decode(_ videos: [String], sampling: SamplingPolicy, limit: Int) throws -> [VideoFrame] {
        let each = max(1, (limit + max(1, videos.count) - 1) / max(1, videos.count))
        var frames: [VideoFrame] = []
        for video in videos {
            let decoder = try VideoDecoder(path: video, sampling: sampling, threads: 0)
            var n = 0
            while n < each, let frame = try decoder.next() {
                frames.append(frame)
                n += 1
            }
        }
        guard !frames.isEmpty else { throw OptimizeError("the search videos gave no sampled frames") }
        return frames
    }
}
