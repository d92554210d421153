import Foundation
import FramewiseCore
import FramewiseMedia
import FramewisePostprocess

/// Measures one stage's model: batch latency (mean, std, p99) and approximate memory per batch
/// size on synthetic inputs (`ModelProfiler`), preprocessing per item with the stage's real
/// `Preprocessor` on decoded frames, and post-processing per item by running the stage's head
/// on the model's outputs for those frames. Blocking: call it from a dedicated thread or a CLI.
public struct StageProfiler: Sendable {
    /// Profiling knobs.
    public struct Configuration: Sendable, Equatable {
        /// Batch sizes (nil: `defaultBatches(limit:)` of the model's batch limit).
        public var batches: [Int]?
        /// Timed runs per batch size (after two warm-up runs).
        public var iterations: Int
        /// Items preprocessed and post-processed to time them.
        public var items: Int

        public init(batches: [Int]? = nil, iterations: Int = 20, items: Int = 32) {
            self.batches = batches
            self.iterations = max(1, iterations)
            self.items = max(1, items)
        }
    }

    /// Profiling knobs.
    public var configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Powers of two below `limit`, then `limit` (8 -> 1 2 4 8; 6 -> 1 2 4 6).
    public static func defaultBatches(limit: Int) -> [Int] {
        let limit = max(1, limit)
        var sizes: [Int] = []
        var b = 1
        while b < limit { sizes.append(b); b *= 2 }
        sizes.append(limit)
        return sizes
    }

    /// Profiles `stage`'s model; `frames` feed the preprocessing and post-processing timings of
    /// image stages (crop stages crop the centre half of each frame: `standInCrop`).
    /// `device`: the name the profile is saved and planned under.
    public func profile(stage: LoadedStage, frames: [VideoFrame], frameSource: String, device: String = DeviceName.local()) throws -> StageMeasurement {
        try profile(stage: stage, images: frames.map { ImageSample(frame: $0, crop: Self.standInCrop(for: stage, of: $0)) },
                    frameSource: frameSource, device: device)
    }

    /// Profiles `stage`'s model, timing preprocessing and post-processing on `images`: what the
    /// stage is fed (whole frames, or the crops its upstream stages cut: `StageInputSampler`).
    public func profile(stage: LoadedStage, images: [ImageSample], frameSource: String, device: String = DeviceName.local()) throws -> StageMeasurement {
        let sizes = Array(Set(configuration.batches ?? Self.defaultBatches(limit: stage.model.batchLimit))).sorted()
        let weights = (try? FileManager.default.attributesOfItem(atPath: stage.model.path)[.size] as? Int) ?? 0
        ProcessMemory.resetPeak()
        let baseline = ProcessMemory.residentBytes
        var batches: [BatchProfile] = []
        for b in sizes where b >= 1 {
            let inputs = try ModelProfiler.inputs(for: stage, batch: b)
            let times = try ModelProfiler.measure(session: stage.session, inputs: inputs, iterations: configuration.iterations)
            let stats = BatchProfile.statistics(times)
            var memory = weights
            if let baseline, let peak = ProcessMemory.peakResidentBytes { memory += max(0, peak - baseline) }
            let shapes = inputs.map { "\($0.key)\($0.value.shape)" }.sorted().joined(separator: " ")
            batches.append(BatchProfile(batchSize: b, latencyMean: stats.mean, latencyStd: stats.std, latencyP99: stats.p99,
                                        memoryBytes: memory, iterations: times.count, inputShapes: shapes))
        }
        let (pre, post, source) = try perItemSeconds(stage: stage, images: images, frameSource: frameSource)
        let profile = ModelProfile(modelName: stage.model.name, modelHash: try SHA256.hex(ofFile: stage.model.path), deviceName: device,
                                   entries: batches, preprocessSeconds: pre, postprocessSeconds: post,
                                   intraOpThreads: stage.model.resolvedSession.intraOpThreads)
        return StageMeasurement(profile: profile, modelPath: stage.model.path, stage: stage.spec.name, preprocessSource: source)
    }

    /// What a crop stage is timed on when no detector has run: the centre half of the frame (nil for
    /// stages fed whole frames or tensors). The profiler and the machine's bound both use it.
    static func standInCrop(for stage: LoadedStage, of frame: VideoFrame) -> Rect? {
        guard case .crops = stage.spec.input else { return nil }
        return Rect(x: Double(frame.width) / 4, y: Double(frame.height) / 4, width: Double(frame.width) / 2, height: Double(frame.height) / 2)
    }

    /// Preprocessing and post-processing seconds per item.
    private func perItemSeconds(stage: LoadedStage, images: [ImageSample], frameSource: String) throws -> (Double, Double, String) {
        let clock = ContinuousClock()
        let batch = max(1, min(stage.model.batchLimit, configuration.items))
        switch stage.feed {
        case let .image(input, spec):
            guard let first = images.first else { throw StageError(stage: stage.spec.name, model: stage.model.name, message: "no frames to profile on") }
            let preprocessor = Preprocessor(spec: spec)
            let tensor = Tensor(elementType: spec.elementType, shape: [batch] + spec.itemShape)
            var transforms: [ImageTransform?] = Array(repeating: nil, count: batch)
            // Warm the scaler cache, then time `items` items, cycling through the images.
            _ = try preprocessor.process(first.frame, crop: first.crop, rotate180: first.rotate180, into: tensor.buffer.baseAddress)
            let start = clock.now
            for i in 0..<configuration.items {
                let image = images[i % images.count]
                let slot = i % batch
                transforms[slot] = try preprocessor.process(image.frame, crop: image.crop, rotate180: image.rotate180,
                                                            into: tensor.buffer.baseAddress + slot * spec.itemByteCount)
            }
            let pre = (clock.now - start).seconds / Double(configuration.items)
            let post = try postprocessSeconds(stage: stage, inputs: [input: tensor], batch: batch, transforms: transforms)
            return (pre, post, frameSource)
        case .tensors:
            let inputs = try ModelProfiler.inputs(for: stage, batch: 1)
            return (0, try postprocessSeconds(stage: stage, inputs: inputs, batch: 1, transforms: [nil]), "none (tensor inputs)")
        }
    }

    /// Seconds per item to split the outputs of one batch and apply the head, over `items` items.
    private func postprocessSeconds(stage: LoadedStage, inputs: [String: Tensor], batch: Int, transforms: [ImageTransform?]) throws -> Double {
        let raw = try stage.session.run(inputs)
        let ordered = stage.session.outputs.compactMap { info in raw[info.name].map { (name: info.name, tensor: $0) } }
        let clock = ContinuousClock()
        let rounds = max(1, (configuration.items + batch - 1) / batch)
        let start = clock.now
        for _ in 0..<rounds {
            let perItem = ItemOutputs.split(ordered, batch: batch)
            for i in 0..<batch { _ = try stage.head.apply(perItem[i], transform: transforms[i]) }
        }
        return (clock.now - start).seconds / Double(rounds * batch)
    }
}
