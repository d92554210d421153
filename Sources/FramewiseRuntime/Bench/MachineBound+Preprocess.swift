import Foundation
import FramewiseCore
import FramewiseMedia

extension MachineBound {
    /// Seconds of preprocessing per video: for each image stage, items per video over the items per
    /// second its `Preprocessor` reaches alone with one preprocessor per core, on frames decoded
    /// from `videos` with the pipeline's sampling (crop stages on the crops their upstream stages cut
    /// from those frames, as the profiler times them). Stages fed tensors cost nothing here.
    static func preprocessSeconds(pipeline: LoadedPipeline, videos: [String], itemsPerVideo: [String: Double],
                                  cores: Int, seconds: Double) async throws -> Double {
        let frames = ProfileFrames.spread(videos: videos, sampling: pipeline.spec.sampling, limit: 32)
        guard !frames.isEmpty else { return 0 }
        let timed = pipeline.stages.filter { stage in
            guard (itemsPerVideo[stage.spec.name] ?? 0) > 0, case .image = stage.feed else { return false }
            return true
        }
        // What each stage is fed, its upstream models run once for all, synchronously: on a dedicated
        // thread, not the cooperative pool.
        let sampler = BlockingPool(name: "bound-sampler", threads: 1)
        defer { sampler.shutdown() }
        let timing = try await sampler.run {
            try StageInputSampler.timingImages(for: timed.map(\.spec.name), in: pipeline, frames: frames, limit: 64)
        }
        var total = 0.0
        for stage in timed {
            guard case let .image(_, spec) = stage.feed, let images = timing[stage.spec.name]?.images else { continue }
            let rate = try await preprocessedPerSecond(spec: spec, images: images, parallel: cores, seconds: seconds)
            if rate > 0 { total += (itemsPerVideo[stage.spec.name] ?? 0) / rate }
        }
        return total
    }

    /// Items per second of preprocessing `images` with `spec`, `parallel` preprocessors running at once.
    static func preprocessedPerSecond(spec: PreprocessSpec, images: [ImageSample], parallel: Int,
                                      seconds: Double) async throws -> Double {
        guard !images.isEmpty else { return 0 }
        let pool = BlockingPool(name: "bound-preprocess", threads: parallel)
        defer { pool.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
        let count = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<parallel {
                group.addTask {
                    try await pool.run {
                        let preprocessor = Preprocessor(spec: spec)
                        let buffer = UnsafeMutableRawPointer.allocate(byteCount: spec.itemByteCount, alignment: 64)
                        defer { buffer.deallocate() }
                        var n = 0
                        repeat {
                            let image = images[(worker + n) % images.count]
                            try preprocessor.process(image.frame, crop: image.crop, rotate180: image.rotate180, into: buffer)
                            n += 1
                        } while ContinuousClock.now < deadline
                        return n
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(count) / (clock.now - start).seconds
    }
}
