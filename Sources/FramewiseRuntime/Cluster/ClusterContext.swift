import Foundation
import FramewiseCore
import FramewiseMedia
import Synchronization
import Tracing

/// The `StageHost` of a distributed worker: frames come from shared storage, upstream outputs
/// and completion live in the `JobStore`, and the next stages get messages through the broker.
/// Every step is idempotent, so a redelivered message (after a crash, or a reclaim) is harmless.
final class ClusterContext: StageHost {
    let pipeline: LoadedPipeline
    let configuration: EngineConfiguration
    let broker: any Broker<FrameMessage>
    let store: any JobStore
    let frames: any FrameStorage
    let options: ClusterOptions
    /// Where this worker reports its stages' metrics (nil: not measured).
    let metrics: EngineMetrics?
    let wiring: StageWiring
    /// Per stage, the raw outputs a downstream join reads; the rest is not stored.
    let joined: [String: Set<String?>]
    /// Records decoding and batches in each video's trace, carried by the messages (nil: not traced).
    let tracer: (any Tracer)?
    private let totals = Mutex<[String: StageTime]>([:])
    private let draining = Atomic<Bool>(false)
    var group: String { ClusterOptions.group }
    var reclaimAfter: Duration? { options.reclaimAfter }
    var isDraining: Bool { draining.load(ordering: .relaxed) }
    /// Asks every worker of this context to finish what it holds and stop.
    func drain() { draining.store(true, ordering: .relaxed) }

    init(pipeline: LoadedPipeline, configuration: EngineConfiguration, broker: any Broker<FrameMessage>,
         store: any JobStore, frames: any FrameStorage, options: ClusterOptions, metrics: EngineMetrics? = nil,
         tracer: (any Tracer)? = nil) {
        self.metrics = metrics
        self.tracer = tracer
        self.pipeline = pipeline
        self.configuration = configuration
        self.broker = broker
        self.store = store
        self.frames = frames
        self.options = options
        self.wiring = StageWiring(pipeline)
        self.joined = StageWiring.joinedOutputs(pipeline)
    }

    func topic(_ stage: String) -> String { ClusterOptions.topic(pipeline: pipeline.spec.name, stage: stage) }
    var decodeTopic: String { ClusterOptions.decodeTopic(pipeline: pipeline.spec.name) }
    func now() -> Double { Date().timeIntervalSince1970 }
    /// Batches are timed on this clock (wrapped once: every read shares its origin).
    let clock = EngineClock.continuous

    var tracesBatches: Bool { tracer != nil }

    /// Records the batch in the trace of each video whose frames carried one.
    func traced(_ batch: TracedBatch) {
        guard let tracer else { return }
        for share in batch.videos.values {
            guard let parent = Self.context(share.traceparent) else { continue }
            batch.record(share, in: parent, tracer: tracer)
        }
    }

    /// The context of a carried `traceparent` (nil: none or malformed).
    static func context(_ traceparent: String?) -> InstrumentationContext? {
        guard let identity = traceparent.flatMap(SpanIdentity.init(traceparent:)) else { return nil }
        var context = InstrumentationContext.topLevel
        context.spanIdentity = identity
        return context
    }

    func addTotals(stage: String, time: StageTime) { totals.withLock { $0[stage, default: StageTime()].add(time) } }
    var stageTotals: [String: StageTime] { totals.withLock { $0 } }

    func isFinished(_ message: FrameMessage) async -> Bool {
        guard let job = message.job else { return true }
        return (try? await store.isFinished(job: job, epoch: message.epoch ?? 0, video: message.video)) ?? false
    }

    func input(_ message: FrameMessage, stage: String) async throws -> (frame: VideoFrame, upstream: [String: StageFrameOutput])? {
        guard let job = message.job else { return nil }
        let frame = try frames.read(job: job, epoch: message.epoch ?? 0, video: message.video, slot: message.slot,
                                    videoPath: "video \(message.video) of job \(job)")
        return (frame, try await upstream(of: message, stage: stage, job: job))
    }

    /// The outputs of the stages `stage` reads, as recorded for the frame.
    private func upstream(of message: FrameMessage, stage: String, job: String) async throws -> [String: StageFrameOutput] {
        let wanted = Array(wiring.dependencies[stage] ?? []).sorted()
        guard !wanted.isEmpty else { return [:] }
        let stored = try await store.outputs(job: job, video: message.video, slot: message.slot, stages: wanted)
        return try stored.mapValues { try StageFrameOutput.decoded(from: $0) }
    }

    func finished(_ message: FrameMessage, stage: String, output: StageFrameOutput, time: StageTime, late: Bool) async throws {
        let stored = output.keepingTensors(joined[stage] ?? [])
        try await record(message, stage: stage, outputs: [stage: stored.encoded()], candidates: wiring.downstream[stage] ?? [], time: time, late: late)
    }

    func dropped(_ message: FrameMessage, stage: String, reason: String, time: StageTime) async throws {
        let encoded = try StageFrameOutput.dropped(reason).encoded()
        let outputs = Dictionary(uniqueKeysWithValues: wiring.closure(of: stage).map { ($0, encoded) })
        try await record(message, stage: stage, outputs: outputs, candidates: [], time: time, late: false)
    }

    /// Records outputs in the store and hands the frame to each next stage that became ready.
    private func record(_ message: FrameMessage, stage: String, outputs: [String: Data], candidates: [String], time: StageTime, late: Bool) async throws {
        guard let job = message.job else { return }
        let deps = Dictionary(uniqueKeysWithValues: candidates.map { ($0, Array(wiring.dependencies[$0] ?? []).sorted()) })
        let epoch = message.epoch ?? 0
        let update = StageOutputUpdate(job: job, epoch: epoch, video: message.video, slot: message.slot, outputs: outputs, stageCount: pipeline.stages.count,
                                       candidates: deps, stage: stage, time: time, late: late, now: now())
        let ready = try await store.record(update)
        guard !ready.isEmpty else { return }
        let next = FrameMessage(job: job, video: message.video, slot: message.slot, readyAt: now(), deadline: message.deadline, epoch: epoch,
                                traceparent: message.traceparent)
        for stage in ready {
            try await broker.publish([next], to: topic(stage))
        }
        // A crash before this line republishes on redelivery: a duplicate the next stage records once.
        try await store.markPublished(job: job, epoch: epoch, video: message.video, slot: message.slot, stages: ready)
    }

    /// A stage error is retried on redelivery until the delivery limit; then the message goes to
    /// the dead-letter topic with the error and its video fails. Broker and store errors (Redis
    /// unreachable) are never the video's fault: always left for redelivery.
    func failed(_ delivery: Delivery<FrameMessage>, stage: String, error: any Error) async -> Bool {
        guard let job = delivery.message.job else { return true }
        if error is BrokerError { return false }
        guard delivery.deliveryCount >= options.maxDeliveries else { return false }
        try? await broker.deadLetter(delivery, topic: topic(stage), group: group, error: "\(error)")
        metrics?.deadLettered(stage: stage)
        try? await store.fail(job: job, epoch: delivery.message.epoch ?? 0, video: delivery.message.video,
                              error: "stage \(stage): \(error) (dead-lettered after \(delivery.deliveryCount) deliveries)")
        return false
    }
}
