import Foundation
import FramewiseCore
import FramewiseMedia

/// The optimized engine: videos are decoded once, several at a time, into shared frames; every
/// stage is decoupled by a broker topic and run by its own workers, whose batches mix frames of
/// different videos; a stage that reads others (a join or crops) gets a frame once all its inputs
/// for that frame exist. Results equal the sequential engine's and are written in input order.
public final class StreamingEngine: Sendable {
    public let pipeline: LoadedPipeline
    public let configuration: EngineConfiguration
    private let brokerOverride: (any Broker<FrameMessage>)?

    /// `broker`: where stages exchange frame messages (default: a fresh in-process broker per run).
    public init(pipeline: LoadedPipeline, configuration: EngineConfiguration = EngineConfiguration(),
                broker: (any Broker<FrameMessage>)? = nil) {
        self.pipeline = pipeline
        self.configuration = configuration
        self.brokerOverride = broker
    }

    /// Processes `videos`, writing each result to `sink` in input order.
    public func run(videos: [String], sink: any ResultSink, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RunReport {
        let (stream, continuation) = AsyncStream.makeStream(of: VideoTracker.Finished.self)
        let inProcess = brokerOverride == nil ? InProcessBroker<FrameMessage>(configuration: .init(bound: configuration.topicBound)) : nil
        guard let broker: any Broker<FrameMessage> = brokerOverride ?? inProcess else { return RunReport() }
        let pool = BlockingPool(name: "framewise-engine", threads: configuration.workerThreads)
        defer { pool.shutdown() }
        let context = EngineContext(pipeline: pipeline, configuration: configuration, broker: broker, finished: continuation)
        let clock = ContinuousClock()
        let start = clock.now

        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                for stage in pipeline.stages {
                    let runner = StageRunner(stage: stage, pool: pool, batchLimit: configuration.stages[stage.spec.name]?.batchLimit)
                    for i in 0..<configuration.instances(of: stage.spec.name) {
                        let worker = StageWorker(stage: stage, runner: runner, host: context, consumer: "\(stage.spec.name)-\(i)")
                        group.addTask { await worker.run() }
                    }
                }
                group.addTask { await self.decodeAll(videos, context: context) }
                await group.waitForAll()
            }
        }

        var report = RunReport()
        var writer = InOrderWriter(sink: sink)
        var done = 0
        var failure: (any Error)?
        if videos.isEmpty { continuation.finish() }
        for await finished in stream {
            let latency = (clock.now - start).seconds
            done += 1
            progress?(done, videos.count)
            // Keep draining on a write error, so the workers finish; the error is thrown at the end.
            do {
                try await writer.add(context.assemble(finished), index: finished.video, latency: latency, to: &report)
            } catch {
                failure = failure ?? error
            }
            if done == videos.count { continuation.finish() }
        }
        work.cancel()
        inProcess?.close()
        await work.value
        if let failure { throw failure }
        try await sink.finish()
        report.wallSeconds = (clock.now - start).seconds
        report.stages = context.stageTotals
        report.frameSeconds = context.frameLatencies
        return report
    }

    /// Decodes every video, `configuration.decoders` at a time.
    private func decodeAll(_ videos: [String], context: EngineContext) async {
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                guard next < videos.count else { return }
                let index = next, path = videos[index]
                next += 1
                group.addTask { await self.decode(index, path: path, context: context) }
            }
            for _ in 0..<configuration.decoders { launch() }
            while await group.next() != nil { launch() }
        }
    }

    /// Decodes one video into the frame store and hands each frame to the root stages.
    private func decode(_ video: Int, path: String, context: EngineContext) async {
        context.tracker.start(video, path: path)
        let threads = configuration.decodeThreads > 0 ? configuration.decodeThreads : (configuration.decoders > 1 ? 1 : 0)
        let worker = DecodeWorker(readAhead: max(1, pipeline.spec.decode.readAhead))
        worker.start(path: path, sampling: pipeline.spec.sampling,
                     threads: pipeline.spec.decode.threads > 0 ? pipeline.spec.decode.threads : threads)
        var slot = 0
        var failure: String?
        let roots = context.rootStages
        let deadline = configuration.slo.map { context.elapsed() + $0.seconds }
        do {
            while let frame = try await worker.channel.next() {
                if context.tracker.isFailed(video) { break }
                let key = FrameKey(video: video, slot: slot)
                let ready = context.elapsed()
                context.frames.put(frame, at: key, readyAt: ready)
                context.tracker.frameDecoded(video, slot: slot, index: frame.index, time: frame.time)
                let message = FrameMessage(video: video, slot: slot, readyAt: ready, deadline: deadline)
                for stage in roots {
                    try await context.broker.publish([message], to: EngineContext.topic(stage))
                }
                slot += 1
            }
        } catch {
            failure = "\(error)"
        }
        worker.channel.cancel()
        let stats = worker.stats
        if let finished = context.tracker.decodeFinished(video, frames: slot, decoded: stats.decoded, decodeSeconds: stats.seconds, error: failure) {
            context.deliver(finished)
        }
    }
}
