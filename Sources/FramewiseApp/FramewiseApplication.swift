import Foundation
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime

/// A built application: the pipeline with its models loaded and the engine configured (plan
/// applied). Built once by `buildApplication`; runs any number of jobs.
public final class FramewiseApplication: Sendable {
    public let configuration: AppConfiguration
    public let pipeline: LoadedPipeline
    /// The engine configuration after the plan (if any) was applied.
    public let engine: EngineConfiguration
    /// The engine's metrics (nil when the configuration asked for none).
    public let metrics: EngineMetrics?

    init(configuration: AppConfiguration, pipeline: LoadedPipeline, engine: EngineConfiguration) {
        self.configuration = configuration
        self.pipeline = pipeline
        self.engine = engine
        metrics = configuration.metrics.map { EngineMetrics(pipeline: pipeline, factory: $0) }
    }

    /// The streaming engine for this application.
    public func makeEngine() -> StreamingEngine {
        StreamingEngine(pipeline: pipeline, configuration: engine, metrics: metrics, tracer: configuration.tracer, resolver: configuration.resolver)
    }

    /// Runs videos as `feed` yields them, handing each result to `onResult` as its video finishes:
    /// in this process (`StreamingEngine.serve(feed:)`), or on the workers of `configuration.cluster`
    /// (`ClusterFeed`: one job per video). Returns when `feed` ends and every video has its
    /// result, or when the calling task is cancelled.
    public func serve(feed: AsyncStream<FeedVideo>, onResult: @escaping @Sendable (FeedVideo, VideoResult) async -> Void) async throws(AppError) {
        guard let cluster = configuration.cluster else {
            await makeEngine().serve(feed: feed, onResult: onResult)
            return
        }
        let connection = try cluster.connect()
        var deployment = ClusterFeed(pipeline: pipeline, frameBroker: connection.frames, videoBroker: connection.videos,
                                     store: connection.store, frames: connection.storage)
        deployment.tracer = configuration.tracer
        deployment.resolver = configuration.resolver
        await deployment.serve(feed: feed, onResult: onResult)
        await connection.shutdown()
    }

    /// Runs `videos` in this process, writing each result to `sink` in input order. `arrivals`:
    /// seconds from the start at which each arrives (nil: all at once); `offeredRate`: the rate they
    /// were drawn at, reported as offered (nil: estimated from the arrival times).
    public func run(videos: [String], sink: any ResultSink, arrivals: [Double]? = nil, offeredRate: Double? = nil,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RunReport {
        var report = try await makeEngine().run(videos: videos, sink: sink, arrivals: arrivals, progress: progress)
        report.maxInFlight = engine.decoders
        report.offeredRate = offeredRate
        if let arrivals, arrivals.count >= 2, let first = arrivals.min(), let last = arrivals.max(), last > first {
            report.arrivalRate = Double(arrivals.count - 1) / (last - first)
            if offeredRate == nil { report.offeredRate = report.arrivalRate }
        }
        return report
    }

    /// Warnings about this configuration on this machine (e.g. a plan that needs more cores).
    public var warnings: [String] {
        guard let plan = configuration.plan, plan.device.kind == .cpu else { return [] }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = engine.workerThreads * (plan.threadsPerWorker ?? 1)
        guard threads > cores else { return [] }
        return ["the plan needs \(engine.workerThreads) workers (\(threads) threads) and this machine has \(cores) cores: "
                + "expect it to miss; plan with --devices \(cores) for this machine"]
    }
}

/// Builds an application from configuration: loads the pipeline and its models (through
/// `backend`, default ONNX Runtime), checks the plan against the pipeline and applies it.
/// Nothing runs; every problem is an `AppError` naming the input.
public func buildApplication(_ configuration: AppConfiguration, backend: (any InferenceBackend)? = nil) throws(AppError) -> FramewiseApplication {
    let pipeline = try PipelineLoading.load(configuration.pipelinePath, ortLibrary: configuration.ortLibrary, backend: backend)
    var engine = configuration.engine
    if let plan = configuration.plan {
        if plan.device.kind == .cpu, let threads = plan.threadsPerWorker {
            let runs = pipeline.stages.map { $0.model.resolvedSession.intraOpThreads }.max() ?? threads
            guard runs == threads else {
                throw .invalidArgument(name: "--plan", message: "the plan's worker is \(threads) intra-op thread(s), the pipeline runs its models with \(runs); "
                                       + "profile and plan again")
            }
        }
        do {
            engine = try engine.applying(plan: plan.rows, workers: configuration.workerThreadsGiven ? nil : plan.deviceCount,
                                         pipelineStages: pipeline.stages.map(\.spec.name))
        } catch {
            throw .invalidArgument(name: "--plan", message: error.description)
        }
    }
    return FramewiseApplication(configuration: configuration, pipeline: pipeline, engine: engine)
}
