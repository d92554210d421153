import Foundation
import FramewiseCore

/// Runs a loaded pipeline over many videos, a few at a time, and writes each result to the
/// sink in input order. One video's failure never stops the others.
public final class PipelineRunner: Sendable {
    public let pipeline: LoadedPipeline
    public let configuration: RunConfiguration
    private let pool: BlockingPool
    private let videoRunner: VideoRunner

    public init(pipeline: LoadedPipeline, configuration: RunConfiguration = RunConfiguration()) {
        self.pipeline = pipeline
        self.configuration = configuration
        let pool = BlockingPool(name: "framewise-worker", threads: configuration.workerThreads)
        self.pool = pool
        let runners = Dictionary(uniqueKeysWithValues: pipeline.stages.map { ($0.spec.name, StageRunner(stage: $0, pool: pool)) })
        let decodeThreads = pipeline.spec.decode.threads > 0 ? pipeline.spec.decode.threads : configuration.decodeThreads
        self.videoRunner = VideoRunner(pipeline: pipeline, runners: runners, decodeThreads: decodeThreads,
                                       allowAnyDemuxer: configuration.allowAnyDemuxer)
    }

    deinit { pool.shutdown() }

    /// Processes one video.
    public func process(video: String) async -> VideoResult {
        await videoRunner.process(path: video)
    }

    /// Processes `videos`, writing each result to `sink` in input order, and returns the run's report.
    /// `progress` is called after each video with (videos done, total). Cancelling the calling task
    /// interrupts the run: no new video starts, the running ones are told to stop, and every video
    /// that finished is written (as `StreamingEngine.run` does); the report is marked `interrupted`.
    public func run(videos: [String], sink: any ResultSink, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RunReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = RunReport()
        var writer = InOrderWriter(sink: sink)
        var done = 0
        try await withThrowingTaskGroup(of: (Int, VideoResult?).self) { group in
            var next = 0
            func launch() {
                guard next < videos.count else { return }
                let index = next, path = videos[index]
                next += 1
                group.addTask { [videoRunner] in
                    let result = await videoRunner.process(path: path)
                    // A video that failed because the run was cancelled did not finish: no result.
                    return (index, Task.isCancelled && result.status == .failed ? nil : result)
                }
            }
            for _ in 0..<configuration.concurrentVideos { launch() }
            // Once cancelled (the children are too), drain what finishes and start nothing new.
            while let (index, result) = try await group.next() {
                guard let result else { continue }
                try await writer.add(result, index: index, latency: (clock.now - start).seconds, to: &report)
                done += 1
                progress?(done, videos.count)
                if !Task.isCancelled { launch() }
            }
        }
        if done < videos.count, Task.isCancelled {
            try await writer.flushHeld(to: &report)
            report.interrupted = true
        }
        try await sink.finish()
        report.wallSeconds = (clock.now - start).seconds
        return report
    }
}
