import Foundation
import FramewiseCore
import Logging
import Tracing

/// A distributed worker process: runs the chosen stages of a pipeline (and decoding) against a
/// shared broker, job store and frame storage, until cancelled. Any number of workers, on any
/// machines, may serve the same pipeline; each stage scales by the workers that run it.
public final class ClusterWorker: Sendable {
    /// The stage name that selects decoding in `stages`.
    public static let decodeStage = "decode"

    let context: ClusterContext
    let videos: any Broker<VideoMessage>
    let logger: Logger
    /// Stages this worker runs (names of the pipeline's stages, and `decode`).
    public let stages: Set<String>

    /// `stages`: nil for decoding and every stage. Throws when a name is not a stage of the pipeline.
    public init(pipeline: LoadedPipeline, configuration: EngineConfiguration, stages: Set<String>?, frameBroker: any Broker<FrameMessage>,
                videoBroker: any Broker<VideoMessage>, store: any JobStore, frames: any FrameStorage, options: ClusterOptions,
                metrics: EngineMetrics? = nil,
                logger: Logger = Logger(label: "framewise.worker", factory: { _ in SwiftLogNoOpLogHandler() }),
                tracer: (any Tracer)? = nil) throws {
        let known = Set(pipeline.stages.map(\.spec.name)).union([Self.decodeStage])
        let chosen = stages ?? known
        if let unknown = chosen.subtracting(known).sorted().first {
            throw ClusterError.unknownStage(unknown, known: known.sorted())
        }
        self.stages = chosen
        self.videos = videoBroker
        self.logger = logger
        self.context = ClusterContext(pipeline: pipeline, configuration: configuration, broker: frameBroker, store: store, frames: frames,
                                      options: options, metrics: metrics, tracer: tracer)
    }

    /// Totals of what this worker ran, per stage.
    public var stageTotals: [String: StageTime] { context.stageTotals }

    /// Graceful stop: take no new videos or frames, finish the video being decoded and the
    /// frames already taken, then `run` returns. Cancelling `run` instead stops at once (what
    /// it held is redelivered to other workers after `reclaimAfter`).
    public func drain() { context.drain() }

    /// Serves until drained or cancelled.
    public func run() async {
        let pool = BlockingPool(name: "framewise-worker", threads: context.configuration.workerThreads)
        defer { pool.shutdown() }
        let prefix = context.options.consumerPrefix
        await withTaskGroup(of: Void.self) { group in
            for stage in context.pipeline.stages where stages.contains(stage.spec.name) {
                let runner = StageRunner(stage: stage, pool: pool, batchLimit: context.configuration.stages[stage.spec.name]?.batchLimit)
                for i in 0..<context.configuration.instances(of: stage.spec.name) {
                    let worker = StageWorker(stage: stage, runner: runner, host: context, consumer: "\(prefix)-\(stage.spec.name)-\(i)")
                    group.addTask { await worker.run() }
                }
            }
            let heartbeat = WorkerHeartbeat(name: prefix, pipeline: context.pipeline.spec.name, stages: stages.sorted())
            let store = context.store
            group.addTask { [context] in
                // Alive every 3 s (forgotten 10 s after the last): what `framewise status` counts as consumers.
                while !Task.isCancelled && !context.isDraining {
                    try? await store.heartbeat(heartbeat, ttl: .seconds(10))
                    try? await Task.sleep(for: .seconds(3))
                }
            }
            if let metrics = context.metrics {
                let served = context.pipeline.stages.map(\.spec.name).filter { stages.contains($0) }
                group.addTask { [context] in
                    // The broker's view of this worker's topics, for its /metrics.
                    while !Task.isCancelled && !context.isDraining {
                        for stage in served {
                            if let stats = try? await context.broker.stats(topic: context.topic(stage), group: context.group) {
                                metrics.brokerStats(stage: stage, stats)
                            }
                        }
                        try? await Task.sleep(for: .seconds(2))
                    }
                }
            }
            let logger = logger
            group.addTask { [context] in
                // Frames nobody needs any more (jobs abandoned or lost, earlier epochs), after a grace period.
                while !Task.isCancelled && !context.isDraining {
                    for orphan in await context.sweepOrphanFrames() {
                        logger.notice("removed orphaned frames", metadata: ["job": "\(orphan.job)", "epoch": "\(orphan.epoch)"])
                    }
                    let next = ContinuousClock.now + context.options.sweepInterval
                    while ContinuousClock.now < next && !Task.isCancelled && !context.isDraining {
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                }
            }
            if stages.contains(Self.decodeStage) {
                for i in 0..<context.configuration.decoders {
                    let decoder = ClusterDecoder(context: context, videos: videos, consumer: "\(prefix)-decode-\(i)")
                    group.addTask { await decoder.run() }
                }
            }
            await group.waitForAll()
        }
    }
}

/// Errors of distributed runs, naming what is wrong.
public enum ClusterError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownStage(String, known: [String])
    case noVideos
    /// The broker lost the job's state and the run was told not to (or no longer to) submit again.
    case brokerStateLost(job: String, loss: BrokerLoss, unfinished: Int, total: Int, recoveries: Int)

    public var description: String {
        switch self {
        case let .unknownStage(name, known): "unknown stage '\(name)' (the pipeline's stages: \(known.joined(separator: ", ")))"
        case .noVideos: "no videos to submit"
        case let .brokerStateLost(job, loss, unfinished, total, recoveries):
            "the broker lost the state of job \(job) (\(loss)); likely \(BrokerLoss.likelyCauses). \(unfinished) of \(total) videos were unfinished"
                + (recoveries > 0 ? "; gave up after starting the job over \(recoveries) times" : "; --on-broker-loss resubmit submits them again")
        }
    }
}
