import Foundation
import FramewiseCore
import FramewiseMedia

/// The machine's bound for a pipeline, measured in the same run as the benchmark: the throughput
/// if decoding, preprocessing and inference each ran at their isolated best (each alone on all
/// cores, inference at its best batch size) and nothing else cost time:
/// 1 / (decode + preprocess + inference s/video). Without preprocessing it is the older, looser
/// bound (`decodeAndInferenceVideosPerSecond`), which no engine can reach.
public struct MachineBound: Sendable {
    /// Seconds of decoding per video with every core decoding (one decoder per core).
    public var decodeSecondsPerVideo: Double
    /// Per stage: the best items per second and the batch size that reached it.
    public var stageThroughput: [String: (itemsPerSecond: Double, batch: Int)]
    /// Seconds of inference per video: sum over stages of items per video / best items per second.
    public var inferenceSecondsPerVideo: Double
    /// Seconds of preprocessing per video with every core preprocessing (resize, crop, normalise).
    public var preprocessSecondsPerVideo: Double = 0

    /// Videos per second the machine could reach.
    public var videosPerSecond: Double {
        let s = decodeSecondsPerVideo + preprocessSecondsPerVideo + inferenceSecondsPerVideo
        return s > 0 ? 1 / s : 0
    }

    /// The looser bound that counts decoding and inference only, as earlier rounds reported it.
    public var decodeAndInferenceVideosPerSecond: Double {
        let s = decodeSecondsPerVideo + inferenceSecondsPerVideo
        return s > 0 ? 1 / s : 0
    }

    /// Measures decode on `videos` with `cores` decoders at once, each stage's model alone with
    /// `workers` concurrent runs at each batch size, and each image stage's preprocessing with
    /// `cores` preprocessors at once, weighting stages by `itemsPerVideo`.
    public static func measure(pipeline: LoadedPipeline, videos: [String], itemsPerVideo: [String: Double],
                               cores: Int, workers: Int, secondsPerConfiguration: Double = 1.0) async throws -> MachineBound {
        // Decoding alone on all cores, in its best configuration: one single-threaded decoder per
        // core, or fewer decoders each using several threads.
        let perCore = try await decodeSeconds(videos: videos, sampling: pipeline.spec.sampling, parallel: cores, threads: 1)
        let threaded = try await decodeSeconds(videos: videos, sampling: pipeline.spec.sampling, parallel: max(1, cores / 2), threads: 0)
        let decode = min(perCore, threaded)
        var throughput: [String: (Double, Int)] = [:]
        var inference = 0.0
        var seen = Set<String>()
        for stage in pipeline.stages where seen.insert(stage.spec.name).inserted {
            let items = itemsPerVideo[stage.spec.name] ?? 0
            guard items > 0 else { continue }
            var best = (0.0, 1)
            var b = 1
            while b <= max(1, stage.model.batchLimit) {
                let rate = try await itemsPerSecond(stage: stage, batch: b, workers: workers, seconds: secondsPerConfiguration)
                if rate > best.0 { best = (rate, b) }
                b *= 2
            }
            throughput[stage.spec.name] = best
            inference += items / best.0
        }
        let preprocess = try await preprocessSeconds(pipeline: pipeline, videos: videos, itemsPerVideo: itemsPerVideo,
                                                     cores: cores, seconds: secondsPerConfiguration)
        return MachineBound(decodeSecondsPerVideo: decode / Double(max(1, videos.count)), stageThroughput: throughput,
                            inferenceSecondsPerVideo: inference, preprocessSecondsPerVideo: preprocess)
    }

    /// Wall seconds to decode (with sampling, nothing else) all `videos`, `parallel` at a time.
    static func decodeSeconds(videos: [String], sampling: SamplingPolicy, parallel: Int, threads: Int) async throws -> Double {
        let pool = BlockingPool(name: "bound-decode", threads: parallel)
        defer { pool.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for video in videos {
                group.addTask {
                    try await pool.run {
                        guard let decoder = try? VideoDecoder(path: video, sampling: sampling, threads: threads) else { return }
                        while (try? decoder.next()) != nil {}
                    }
                }
            }
            try await group.waitForAll()
        }
        return (clock.now - start).seconds
    }

    /// Items per second of one stage's model alone, `workers` batches in flight at a time.
    static func itemsPerSecond(stage: LoadedStage, batch: Int, workers: Int, seconds: Double) async throws -> Double {
        let inputs = try ModelProfiler.inputs(for: stage, batch: batch)
        _ = try stage.session.run(inputs)
        let pool = BlockingPool(name: "bound-infer", threads: workers)
        defer { pool.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
        let session = stage.session
        let runs = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    // At least one run each, however late the worker starts on a busy machine.
                    var n = 0
                    repeat {
                        _ = try await pool.run { try session.run(inputs) }
                        n += 1
                    } while ContinuousClock.now < deadline
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(runs * batch) / (clock.now - start).seconds
    }
}
