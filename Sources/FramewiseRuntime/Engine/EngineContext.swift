import Foundation
import FramewiseCore
import FramewiseMedia
import Synchronization

/// State shared by the decoders and stage workers of one engine run: the frame store, the
/// video tracker, the DAG's wiring, and where finished videos go.
final class EngineContext: StageHost {
    static let group = "framewise"
    static func topic(_ stage: String) -> String { "stage.\(stage)" }
    var group: String { Self.group }
    var reclaimAfter: Duration? { nil }
    var isDraining: Bool { false }
    func topic(_ stage: String) -> String { Self.topic(stage) }
    func now() -> Double { elapsed() }

    let pipeline: LoadedPipeline
    let configuration: EngineConfiguration
    let broker: any Broker<FrameMessage>
    let frames = FrameStore()
    let tracker: VideoTracker
    let wiring: StageWiring
    var downstream: [String: [String]] { wiring.downstream }
    var dependencies: [String: Set<String>] { wiring.dependencies }
    /// The run's clock; `elapsed()` reads it.
    let clock: EngineClock
    private let totals = Mutex<[String: StageTime]>([:])
    private let frameTimes = Mutex<[Double]>([])
    private let finished: AsyncStream<VideoTracker.Finished>.Continuation
    /// Admission: told when frames enter and leave the pipeline.
    let gate: AdmissionGate
    /// Where batches, drops, videos and latencies are reported (nil: not measured).
    let metrics: EngineMetrics?

    /// Whether each frame's latency is kept for the report (a long-lived feed keeps none).
    let keepsFrameLatencies: Bool
    /// Each video's trace (nil: not traced).
    let traces: VideoTraces?
    /// Seconds since the Unix epoch at which `elapsed()` was 0.
    let unixOrigin: Double

    init(pipeline: LoadedPipeline, configuration: EngineConfiguration, broker: any Broker<FrameMessage>,
         finished: AsyncStream<VideoTracker.Finished>.Continuation, gate: AdmissionGate, clock: EngineClock = .continuous,
         metrics: EngineMetrics? = nil, keepsFrameLatencies: Bool = true, traces: VideoTraces? = nil) {
        self.keepsFrameLatencies = keepsFrameLatencies
        self.traces = traces
        unixOrigin = Date().timeIntervalSince1970 - clock.elapsedSeconds
        self.gate = gate
        self.metrics = metrics
        self.clock = clock
        self.pipeline = pipeline
        self.configuration = configuration
        self.broker = broker
        self.finished = finished
        self.tracker = VideoTracker()
        self.wiring = StageWiring(pipeline)
    }

    /// Seconds since the run started.
    func elapsed() -> Double { clock.elapsedSeconds }

    /// Stages that read the frame itself (no upstream stage).
    var rootStages: [String] { wiring.roots }

    func addTotals(stage: String, time: StageTime) { totals.withLock { $0[stage, default: StageTime()].add(time) } }
    var stageTotals: [String: StageTime] { totals.withLock { $0 } }
    /// Seconds from decode to the last stage, for every finished frame.
    var frameLatencies: [Double] { frameTimes.withLock { $0 } }

    func isFinished(_ message: FrameMessage) async -> Bool { tracker.isFailed(message.video) }

    func input(_ message: FrameMessage, stage: String) async throws -> (frame: VideoFrame, upstream: [String: StageFrameOutput])? {
        let key = FrameKey(video: message.video, slot: message.slot)
        guard let frame = frames.frame(key) else { return nil }
        return (frame, frames.outputs(key))
    }

    func finished(_ message: FrameMessage, stage: String, output: StageFrameOutput, time: StageTime, late: Bool) async throws {
        let key = FrameKey(video: message.video, slot: message.slot)
        if late { frames.markLate(key) }
        tracker.addStageTime(message.video, stage: stage, time: time)
        try await stageFinished(stage: stage, frame: key, output: output, deadline: message.deadline)
    }

    func dropped(_ message: FrameMessage, stage: String, reason: String, time: StageTime) async throws {
        tracker.addStageTime(message.video, stage: stage, time: time)
        try await dropFrame(stage: stage, frame: FrameKey(video: message.video, slot: message.slot), reason: reason, deadline: message.deadline)
    }

    /// In one process a stage error is final: the video fails at once.
    func failed(_ delivery: Delivery<FrameMessage>, stage: String, error: any Error) async -> Bool {
        fail(delivery.message.video, error: "\(error)")
        return true
    }

    /// Records a stage's output for a frame, publishes the frame to every downstream stage whose
    /// inputs are now all present, and finishes the frame once every stage has run on it.
    func stageFinished(stage: String, frame key: FrameKey, output: StageFrameOutput, deadline: Double?) async throws {
        try await record([(stage, output)], at: key, after: stage, deadline: deadline)
    }

    /// The frame skips `stage` and every stage downstream of it (reported as dropped with `reason`).
    func dropFrame(stage: String, frame key: FrameKey, reason: String, deadline: Double?) async throws {
        let skipped = wiring.closure(of: stage)
        try await record(skipped.map { ($0, StageFrameOutput.dropped(reason)) }, at: key, after: stage, deadline: deadline)
    }

    private func record(_ outputs: [(stage: String, output: StageFrameOutput)], at key: FrameKey, after stage: String, deadline: Double?) async throws {
        let (done, completed) = frames.record(outputs, at: key, stageCount: pipeline.stages.count)
        let ready = (downstream[stage] ?? []).filter { next in
            !outputs.contains { $0.stage == next } && dependencies[next, default: []].isSubset(of: done)
        }
        let now = elapsed()
        for next in ready {
            try await broker.publish([FrameMessage(video: key.video, slot: key.slot, readyAt: now, deadline: deadline)], to: EngineContext.topic(next))
        }
        if completed {
            if let ready = frames.readyAt(key) {
                if keepsFrameLatencies { frameTimes.withLock { $0.append(now - ready) } }
                tracker.frameLatency(key.video, slot: key.slot, seconds: now - ready)
                metrics?.frameLatency.recordSeconds(now - ready)
            }
            // A finished (failed) video's frames were already taken out of the count when it finished.
            if !tracker.isFailed(key.video) { gate.frames(-1, now: now) }
            if let video = tracker.frameDone(key.video) { deliver(video) }
        }
    }

    /// Records one stage batch in the traces of its videos.
    func traced(_ batch: TracedBatch) { traces?.batch(batch) }
    var tracesBatches: Bool { traces != nil }

    /// Seconds on the run's clock as seconds since the Unix epoch.
    func unix(_ seconds: Double) -> Double { unixOrigin + seconds }

    func fail(_ video: Int, error: String) {
        if let finished = tracker.fail(video, error: error) { deliver(finished) }
    }

    func deliver(_ video: VideoTracker.Finished) {
        finished.yield(video)
    }

    /// The result of a finished video, built from its frames' outputs, which are then released.
    func assemble(_ video: VideoTracker.Finished) -> VideoResult {
        let slots = video.frames.keys.sorted()
        var frameResults: [FrameResult] = []
        if video.error == nil {
            for slot in slots {
                guard let info = video.frames[slot] else { continue }
                let key = FrameKey(video: video.video, slot: slot)
                var result = pipeline.frameResult(index: info.index, source: info.source, time: info.time, outputs: frames.outputs(key))
                if frames.isLate(key) { result.outputs.append(JSONField("late", .bool(true))) }
                frameResults.append(result)
            }
        }
        frames.removeVideo(video.video, slots: (slots.last ?? -1) + 1)
        var stats = video.stats
        stats.sampledFrames = frameResults.count
        stats.frameLatencies = video.error == nil ? slots.compactMap { video.frameLatencies[$0] } : []
        let summary = video.error == nil ? SummaryReducer.reduce(pipeline.spec.summary, frames: frameResults) : []
        return VideoResult(video: video.path, pipeline: pipeline.spec.name, status: video.error == nil ? .ok : .failed, error: video.error, media: video.media,
                           frames: frameResults, summary: summary, stats: stats)
    }
}
