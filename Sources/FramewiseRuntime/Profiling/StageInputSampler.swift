import FramewiseCore
import FramewiseMedia

/// One image a stage's model is fed: a whole frame, or the box an upstream stage found on it
/// (padded as the stage asks) and whether its orientation stage turned it upside down.
public struct ImageSample: Sendable {
    public var frame: VideoFrame
    public var crop: Rect?
    public var rotate180: Bool

    public init(frame: VideoFrame, crop: Rect? = nil, rotate180: Bool = false) {
        self.frame = frame
        self.crop = crop
        self.rotate180 = rotate180
    }
}

/// What a crop stage sees on given frames: the pipeline's own upstream stages (detector,
/// orientation) run on the frames, synchronously, and their boxes cut as the engine cuts them
/// (`StageItemBuilder`). Calibration and the tuner's accuracy measure crop models on these, not on
/// stand-ins. Blocking: call it from a CLI or a dedicated thread.
public enum StageInputSampler {
    /// What `stage` is timed on: up to `limit` images it is fed over `frames` (`images`), and for a
    /// crop stage whose upstream stages find nothing there (a synthetic frame, a video without the
    /// objects), the centre half of each frame instead (`StageProfiler.standInCrop`). `cut` says
    /// which: false when stand-ins were used.
    public static func timingImages(for stage: String, in pipeline: LoadedPipeline, frames: [VideoFrame],
                                    limit: Int) throws -> (images: [ImageSample], cut: Bool) {
        try timingImages(for: [stage], in: pipeline, frames: frames, limit: limit)[stage] ?? ([], true)
    }

    /// `timingImages(for:)` for several stages, their upstream stages run once for all of them.
    public static func timingImages(for stages: [String], in pipeline: LoadedPipeline, frames: [VideoFrame],
                                    limit: Int) throws -> [String: (images: [ImageSample], cut: Bool)] {
        var out: [String: (images: [ImageSample], cut: Bool)] = [:]
        for (stage, images) in try Self.images(for: stages, in: pipeline, frames: frames, limit: limit) {
            guard images.isEmpty, let target = pipeline.stages.first(where: { $0.spec.name == stage }), case .crops = target.spec.input else {
                out[stage] = (images, true)
                continue
            }
            out[stage] = (frames.prefix(max(0, limit)).map { ImageSample(frame: $0, crop: StageProfiler.standInCrop(for: target, of: $0)) }, false)
        }
        return out
    }

    /// Crops per parent item of each crop stage over `frames` (nil for a pipeline without crop stages):
    /// the crops a stage is fed over the items of the stage whose boxes it crops (the frames, when that
    /// stage is fed frames). A parent that found nothing gives 0.
    public static func fanout(in pipeline: LoadedPipeline, frames: [VideoFrame]) throws -> [String: Double]? {
        let croppers = pipeline.stages.filter { if case .crops = $0.spec.input { true } else { false } }
        guard !croppers.isEmpty, !frames.isEmpty else { return nil }
        let images = try Self.images(for: croppers.map(\.spec.name), in: pipeline, frames: frames, limit: Int.max)
        var out: [String: Double] = [:]
        for stage in croppers {
            guard case let .crops(source) = stage.spec.input else { continue }
            let parent = source.stage
            let parentItems = pipeline.stages.first { $0.spec.name == parent }.map { p -> Int in
                if case .crops = p.spec.input { return images[parent]?.count ?? 0 }
                return frames.count
            } ?? frames.count
            out[stage.spec.name] = parentItems > 0 ? Double(images[stage.spec.name]?.count ?? 0) / Double(parentItems) : 0
        }
        return out
    }

    /// Up to `limit` images `stage` is fed over `frames`, in frame order: the frames themselves for a
    /// stage fed whole frames, the crops of its upstream boxes for a stage fed `crops:`.
    public static func images(for stage: String, in pipeline: LoadedPipeline, frames: [VideoFrame], limit: Int) throws -> [ImageSample] {
        try images(for: [stage], in: pipeline, frames: frames, limit: limit)[stage] ?? []
    }

    /// `images(for:)` for several stages at once: their upstream stages run once over the frames,
    /// not once per stage (OCR's detector feeds both the orientation and the recognition stage).
    public static func images(for stages: [String], in pipeline: LoadedPipeline, frames: [VideoFrame], limit: Int) throws -> [String: [ImageSample]] {
        var out: [String: [ImageSample]] = [:]
        var targets: [LoadedStage] = []
        for name in stages {
            guard let target = pipeline.stages.first(where: { $0.spec.name == name }) else {
                throw StageError(stage: name, model: "", message: "no stage named '\(name)' in pipeline '\(pipeline.spec.name)'")
            }
            switch target.spec.input {
            case .frame: out[name] = frames.prefix(max(0, limit)).map { ImageSample(frame: $0) }
            case .crops: targets.append(target); out[name] = []
            case .tensors: throw StageError(stage: name, model: target.model.name, message: "the stage is fed tensors, not images")
            }
        }
        guard !targets.isEmpty else { return out }
        var needed = Set<String>()
        var queue = targets.flatMap(\.spec.dependencies)
        while let next = queue.popLast() {
            guard needed.insert(next).inserted, let s = pipeline.spec.stage(named: next) else { continue }
            queue += s.dependencies
        }
        let upstream = pipeline.levels.flatMap { $0 }.filter { needed.contains($0.spec.name) }
        let pool = BlockingPool(name: "framewise-sampler", threads: 1)
        defer { pool.shutdown() }
        let runners = upstream.map { StageRunner(stage: $0, pool: pool) }
        let chunkSize = 8
        var start = 0
        func full() -> Bool { targets.allSatisfy { (out[$0.spec.name]?.count ?? 0) >= limit } }
        while start < frames.count, !full() {
            let chunk = Array(frames[start..<min(start + chunkSize, frames.count)])
            start += chunk.count
            var outputs: [String: [Int: StageFrameOutput]] = [:]
            for runner in runners {
                let items = try StageItemBuilder.items(for: runner.stage, chunk: chunk, outputs: outputs)
                var results: [StageItemResult] = []
                var from = 0
                while from < items.count {
                    let batch = Array(items[from..<min(from + runner.batchLimit, items.count)])
                    from += batch.count
                    results += try runner.runBatch(batch).0
                }
                outputs[runner.stage.spec.name] = StageItemBuilder.group(results, for: runner.stage, frames: chunk.count)
            }
            for target in targets {
                for item in try StageItemBuilder.items(for: target, chunk: chunk, outputs: outputs) {
                    guard let frame = item.frame, let crop = item.crop, (out[target.spec.name]?.count ?? 0) < limit else { continue }
                    out[target.spec.name, default: []].append(ImageSample(frame: frame, crop: crop, rotate180: item.rotate180))
                }
            }
        }
        return out
    }
}
