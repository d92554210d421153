import Foundation
import FramewiseCore
import FramewiseMedia
import Tracing

/// The optimized engine: videos are decoded once, several at a time, into shared frames; every
/// stage is decoupled by a broker topic and run by its own workers, whose batches mix frames of
/// different videos; a stage that reads others (a join or crops) gets a frame once all its inputs
/// for that frame exist. Videos arrive (all at once, or open loop at given times), wait at
/// admission until the stages can absorb them, and are counted from arrival. Results equal the
/// sequential engine's and are written in input order.
public final class StreamingEngine: Sendable {
    public let pipeline: LoadedPipeline
    public let configuration: EngineConfiguration
    private let brokerOverride: (any Broker<FrameMessage>)?
    let clock: @Sendable () -> EngineClock
    /// Where the engine reports its metrics (nil: not measured).
    public let metrics: EngineMetrics?
    /// Traces each video (one trace per video; nil: not traced).
    public let tracer: (any Tracer)?
    /// Fetches inputs that are not local files (URLs) before they are decoded (nil: paths only).
    public let resolver: (any VideoSourceResolver)?

    /// `broker`: where stages exchange frame messages (default: a fresh in-process broker per run).
    /// `clock`: the time source of each run (arrivals, deadlines, batch timing); default continuous.
    public init(pipeline: LoadedPipeline, configuration: EngineConfiguration = EngineConfiguration(),
                broker: (any Broker<FrameMessage>)? = nil, clock: @escaping @Sendable () -> EngineClock = { .continuous },
                metrics: EngineMetrics? = nil, tracer: (any Tracer)? = nil, resolver: (any VideoSourceResolver)? = nil) {
        self.metrics = metrics
        self.tracer = tracer
        self.resolver = resolver
        self.pipeline = pipeline
        self.configuration = configuration
        self.brokerOverride = broker
        self.clock = clock
    }

    /// Each stage's topic bound (frames its queue holds) in this configuration.
    public var topicBounds: [String: Int] {
        Dictionary(uniqueKeysWithValues: pipeline.stages.map { stage in
            (stage.spec.name, configuration.topicBound(of: stage.spec.name, batchLimit: batchLimit(stage)))
        })
    }

    /// Frames inside the pipeline before a new video waits at admission.
    public var frameBudget: Int { configuration.frameBudget ?? topicBounds.values.reduce(0, +) }

    func batchLimit(_ stage: LoadedStage) -> Int {
        max(1, configuration.stages[stage.spec.name]?.batchLimit ?? stage.model.batchLimit)
    }

    /// Processes `videos`, writing each result to `sink` in input order. `arrivals`: seconds from
    /// the start at which each video arrives (nil: all at the start); latency counts from arrival.
    /// Cancelling the calling task interrupts the run: the engine stops, every video that finished
    /// is written (those held back behind an unfinished one after the others, still in input order,
    /// the unfinished ones skipped) and the report, marked `interrupted`, counts only them.
    public func run(videos: [String], sink: any ResultSink, arrivals: [Double]? = nil,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RunReport {
        let (stream, continuation) = AsyncStream.makeStream(of: VideoTracker.Finished.self)
        let inProcess = brokerOverride == nil ? makeBroker() : nil
        guard let broker: any Broker<FrameMessage> = brokerOverride ?? inProcess else { return RunReport() }
        let pool = BlockingPool(name: "framewise-engine", threads: configuration.workerThreads, priority: configuration.computePriority)
        defer { pool.shutdown() }
        let gate = AdmissionGate(total: videos.count, maxInFlight: configuration.decoders, frameBudget: frameBudget)
        let context = EngineContext(pipeline: pipeline, configuration: configuration, broker: broker, finished: continuation, gate: gate,
                                    clock: clock(), metrics: metrics, traces: makeTraces())
        let times = arrivals ?? []

        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in self.stageWorkers(pool: pool, context: context) { group.addTask { await worker.run() } }
                group.addTask { await Self.arrive(videos, at: times, gate: gate, context: context) }
                let slots = DecodeSlots(slots: configuration.decodeSlots ?? configuration.decoders)
                var ticket = 0
                for await admitted in gate.admitted {
                    self.metrics?.inFlight.set(gate.inFlightCount)
                    context.traces?.admitted(admitted.video)
                    let turn = ticket
                    ticket += 1
                    group.addTask {
                        await slots.acquire(ticket: turn)
                        await self.decode(admitted, path: videos[admitted.video], slo: self.configuration.slo?.seconds, context: context)
                        await slots.release()
                    }
                }
                await group.waitForAll()
            }
        }

        var report = RunReport()
        report.slo = configuration.slo?.seconds
        var writer = InOrderWriter(sink: sink)
        var done = 0
        var failure: (any Error)?
        if videos.isEmpty { continuation.finish() }
        for await finished in stream {
            let now = context.elapsed()
            done += 1
            progress?(done, videos.count)
            let (result, admission) = settle(finished, gate: gate, context: context, now: now, slo: configuration.slo?.seconds)
            // Keep draining on a write error, so the workers finish; the error is thrown at the end.
            do {
                try await writer.add(result, index: finished.video,
                                     latency: VideoLatency(fromArrival: now - (admission?.arrivedAt ?? 0),
                                                           fromAdmission: now - (admission?.admittedAt ?? 0), finishedAt: now),
                                     to: &report)
            } catch {
                failure = failure ?? error
            }
            if done == videos.count { continuation.finish() }
        }
        // The stream ends early only when this task was cancelled (an interrupt).
        let interrupted = done < videos.count
        work.cancel()
        inProcess?.close()
        await work.value
        if interrupted {
            do { try await writer.flushHeld(to: &report) } catch { failure = failure ?? error }
            report.interrupted = true
        }
        if let failure { throw failure }
        try await sink.finish()
        report.wallSeconds = context.elapsed()
        report.stages = context.stageTotals
        report.frameSeconds = context.frameLatencies
        report.peakFramesInPipeline = gate.peakFrames
        return report
    }

    /// An in-process broker with each stage topic bounded as `topicBounds` says.
    func makeBroker() -> InProcessBroker<FrameMessage> {
        InProcessBroker<FrameMessage>(configuration: .init(bound: 256, topicBounds: Dictionary(uniqueKeysWithValues:
            topicBounds.map { (EngineContext.topic($0.key), $0.value) })))
    }

    /// The traces of one run (nil without a tracer).
    func makeTraces() -> VideoTraces? { tracer.map { VideoTraces(tracer: $0, pipeline: pipeline.spec.name) } }

    /// A finished video leaves admission (giving back the frames it still held), becomes its
    /// result (wall time from admission; arrival, admission, finish and deadline as Unix times)
    /// and is counted in the metrics; its trace ends.
    func settle(_ finished: VideoTracker.Finished, gate: AdmissionGate, context: EngineContext, now: Double, slo: Double? = nil)
        -> (result: VideoResult, admission: AdmissionGate.Admitted?)
    {
        let admission = gate.times(of: finished.video)
        gate.finished(finished.video, remainingFrames: finished.frames.count - finished.framesDone, now: now)
        var result = context.traces?.finished(finished.video) { context.assemble(finished) } ?? context.assemble(finished)
        result.stats.wallSeconds = now - (admission?.admittedAt ?? 0)
        if let admission {
            result.stats.times = VideoTimes(arrived: context.unix(admission.arrivedAt), admitted: context.unix(admission.admittedAt),
                                            finished: context.unix(now), deadline: slo.map { context.unix(admission.arrivedAt + $0) })
        }
        metrics?.videoFinished(result, latency: now - (admission?.arrivedAt ?? 0))
        metrics?.inFlight.set(gate.inFlightCount)
        return (result, admission)
    }

    /// Every stage's workers: its instances, sharing one runner (and the worker-thread pool).
    func stageWorkers(pool: BlockingPool, context: EngineContext) -> [StageWorker] {
        pipeline.stages.flatMap { stage in
            let runner = StageRunner(stage: stage, pool: pool, batchLimit: batchLimit(stage))
            return (0..<configuration.instances(of: stage.spec.name)).map { i in
                StageWorker(stage: stage, runner: runner, host: context, consumer: "\(stage.spec.name)-\(i)")
            }
        }
    }

    /// Hands each video to admission at its arrival time (all at once without times).
    private static func arrive(_ videos: [String], at times: [Double], gate: AdmissionGate, context: EngineContext) async {
        for video in videos.indices {
            if video < times.count {
                let wait = times[video] - context.elapsed()
                if wait > 0 {
                    do { try await context.clock.sleep(for: .microseconds(Int64(wait * 1e6))) } catch { return }
                }
            }
            context.traces?.arrived(video, path: videos[video])
            gate.arrived(video, now: context.elapsed())
        }
    }

    /// Decodes one admitted video into the frame store and hands each frame to the root stages.
    /// `slo`: seconds from the video's arrival to its deadline (nil: none).
    func decode(_ admitted: AdmissionGate.Admitted, path: String, slo: Double?, context: EngineContext) async {
        let video = admitted.video
        context.tracker.start(video, path: path)
        var local = path
        if let resolver {
            do {
                if let traces = context.traces, path.contains("://") {
                    local = try await traces.download(video) { try await resolver.localPath(for: path) }
                } else {
                    local = try await resolver.localPath(for: path)
                }
            } catch {
                if let finished = context.tracker.decodeFinished(video, frames: 0, decoded: 0, decodeSeconds: 0, media: nil, error: "\(error)") {
                    context.deliver(finished)
                }
                return
            }
        }
        let threads = configuration.decodeThreads > 0 ? configuration.decodeThreads : (configuration.decoders > 1 ? 1 : 0)
        let worker = DecodeWorker(readAhead: max(1, pipeline.spec.decode.readAhead))
        worker.start(path: local, sampling: pipeline.spec.sampling,
                     threads: pipeline.spec.decode.threads > 0 ? pipeline.spec.decode.threads : threads,
                     allowAnyDemuxer: configuration.allowAnyDemuxer, priority: configuration.computePriority)
        var slot = 0
        var failure: String?
        let roots = context.rootStages
        let deadline = slo.map { admitted.arrivedAt + $0 }
        context.traces?.decodeStarted(video)
        do {
            while let frame = try await worker.channel.next() {
                if context.tracker.isFailed(video) { break }
                let key = FrameKey(video: video, slot: slot)
                let ready = context.elapsed()
                context.frames.put(frame, at: key, readyAt: ready)
                context.tracker.frameDecoded(video, slot: slot, index: frame.index, source: frame.sourceIndex, time: frame.time)
                context.gate.frames(1, now: ready)
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
        context.traces?.decodeFinished(video, decoded: stats.decoded, sampled: slot, error: failure)
        if let finished = context.tracker.decodeFinished(video, frames: slot, decoded: stats.decoded, decodeSeconds: stats.seconds,
                                                            media: worker.media, error: failure) {
            context.deliver(finished)
        }
    }
}
