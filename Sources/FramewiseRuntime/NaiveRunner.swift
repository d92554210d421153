import Foundation
import FramewiseCore
import FramewiseMedia

/// The way a first pipeline is usually written, kept as the benchmark's baseline: one video
/// at a time; each stage decodes the video itself; stages run one after another; batch size 1.
/// Produces the same per-frame outputs as the engine, so results can be compared.
public final class NaiveRunner: Sendable {
    public let pipeline: LoadedPipeline
    private let pool: BlockingPool
    private let runners: [String: StageRunner]

    public init(pipeline: LoadedPipeline) {
        self.pipeline = pipeline
        let pool = BlockingPool(name: "framewise-naive", threads: 1)
        self.pool = pool
        self.runners = Dictionary(uniqueKeysWithValues: pipeline.stages.map { ($0.spec.name, StageRunner(stage: $0, pool: pool, batchLimit: 1)) })
    }

    deinit { pool.shutdown() }

    /// Processes `videos` one by one, writing each result to `sink`.
    public func run(videos: [String], sink: any ResultSink) async throws -> RunReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = RunReport()
        for video in videos {
            let result = await process(path: video)
            try await sink.write(result)
            report.add(result, latency: (clock.now - start).seconds)
        }
        try await sink.finish()
        report.wallSeconds = (clock.now - start).seconds
        return report
    }

    /// One video: for each stage in dependency order, decode the video again and run the stage frame by frame.
    public func process(path: String) async -> VideoResult {
        let clock = ContinuousClock()
        let start = clock.now
        var outputs: [String: [Int: StageFrameOutput]] = [:]
        var frameInfo: [Int: (index: Int, source: Int, time: Double)] = [:]
        var stats = VideoStats()
        var media: VideoMetadata?
        do {
            for stage in pipeline.levels.flatMap({ $0 }) {
                guard let runner = runners[stage.spec.name] else { continue }
                var decodeSeconds = 0.0
                let decoder = try VideoDecoder(path: path, sampling: pipeline.spec.sampling, threads: 1)
                let info = decoder.info
                media = VideoMetadata(width: info.width, height: info.height, fps: info.averageFPS, duration: info.duration, codec: info.codecName)
                var byFrame: [Int: StageFrameOutput] = [:]
                var slot = 0
                var t = clock.now
                while let frame = try decoder.next() {
                    decodeSeconds += (clock.now - t).seconds
                    frameInfo[slot] = (frame.index, frame.sourceIndex, frame.time)
                    let upstream = outputs.mapValues { all in all[slot].map { [0: $0] } ?? [:] }
                    let items = try StageItemBuilder.items(for: stage, chunk: [frame], outputs: upstream)
                    let (results, time) = try await runner.run(items)
                    stats.stages[stage.spec.name, default: StageTime()].add(time)
                    if let grouped = StageItemBuilder.group(results, for: stage, frames: 1)[0] { byFrame[slot] = grouped }
                    slot += 1
                    t = clock.now
                }
                stats.decodeSeconds += decodeSeconds
                stats.decodedFrames += decoder.decodedFrameCount
                outputs[stage.spec.name] = byFrame
            }
        } catch {
            stats.wallSeconds = (clock.now - start).seconds
            return VideoResult(video: path, pipeline: pipeline.spec.name, status: .failed, error: "\(error)", media: media, stats: stats)
        }
        let frames = frameInfo.keys.sorted().compactMap { slot -> FrameResult? in
            guard let info = frameInfo[slot] else { return nil }
            return pipeline.frameResult(index: info.index, source: info.source, time: info.time, outputs: outputs.compactMapValues { $0[slot] })
        }
        stats.sampledFrames = frames.count
        stats.wallSeconds = (clock.now - start).seconds
        let summary = SummaryReducer.reduce(pipeline.spec.summary, frames: frames)
        return VideoResult(video: path, pipeline: pipeline.spec.name, status: frames.isEmpty ? .failed : .ok,
                           error: frames.isEmpty ? "no frames decoded from \(path)" : nil, media: media, frames: frames, summary: summary, stats: stats)
    }
}
