import CoreMetrics
import FramewiseCore
import Synchronization

/// The engine's metrics through swift-metrics (any backend; Prometheus in the app layer). Names
/// follow Prometheus conventions (`_total` counters, `_seconds` in base units); labels are the
/// pipeline and the stage only (and a drop's reason), so their cardinality stays bounded: no
/// video ids or paths.
public final class EngineMetrics: Sendable {
    /// The metric names, in one place for docs and tests.
    public enum Name {
        public static let queueWait = "framewise_stage_queue_wait_seconds"
        public static let preprocess = "framewise_stage_preprocess_seconds"
        public static let inference = "framewise_stage_inference_seconds"
        public static let postprocess = "framewise_stage_postprocess_seconds"
        public static let batchSize = "framewise_stage_batch_size"
        public static let items = "framewise_stage_items_total"
        public static let batches = "framewise_stage_batches_total"
        public static let dropped = "framewise_stage_dropped_total"
        public static let topicDepth = "framewise_stage_topic_depth"
        public static let videos = "framewise_videos_total"
        public static let inFlight = "framewise_videos_in_flight"
        public static let decodedFrames = "framewise_decoded_frames_total"
        public static let sampledFrames = "framewise_sampled_frames_total"
        public static let videoLatency = "framewise_video_latency_seconds"
        public static let frameLatency = "framewise_frame_latency_seconds"
        // A networked broker's view of each stage topic (set by distributed workers).
        public static let brokerPending = "framewise_broker_pending_messages"
        public static let brokerLength = "framewise_broker_stream_length"
        public static let brokerDeadLetters = "framewise_broker_dead_letter_messages"
        public static let redelivered = "framewise_broker_redelivered_total"
        public static let deadLettered = "framewise_broker_dead_lettered_total"
    }

    /// One stage's handles.
    final class Stage: Sendable {
        let queueWait, preprocess, inference, postprocess: Timer
        let batchSize: Recorder
        let items, batches: Counter
        let depth: Meter
        let redelivered, deadLettered: Counter
        let pending, length, deadLetters: Meter
        private let droppedByReason: Mutex<[String: Counter]>
        private let labels: [(String, String)]
        private let factory: any MetricsFactory

        init(pipeline: String, stage: String, factory: any MetricsFactory) {
            let labels = [("pipeline", pipeline), ("stage", stage)]
            self.labels = labels
            self.factory = factory
            queueWait = Timer(label: Name.queueWait, dimensions: labels, factory: factory)
            preprocess = Timer(label: Name.preprocess, dimensions: labels, factory: factory)
            inference = Timer(label: Name.inference, dimensions: labels, factory: factory)
            postprocess = Timer(label: Name.postprocess, dimensions: labels, factory: factory)
            batchSize = Recorder(label: Name.batchSize, dimensions: labels, aggregate: true, factory: factory)
            items = Counter(label: Name.items, dimensions: labels, factory: factory)
            batches = Counter(label: Name.batches, dimensions: labels, factory: factory)
            depth = Meter(label: Name.topicDepth, dimensions: labels, factory: factory)
            redelivered = Counter(label: Name.redelivered, dimensions: labels, factory: factory)
            deadLettered = Counter(label: Name.deadLettered, dimensions: labels, factory: factory)
            pending = Meter(label: Name.brokerPending, dimensions: labels, factory: factory)
            length = Meter(label: Name.brokerLength, dimensions: labels, factory: factory)
            deadLetters = Meter(label: Name.brokerDeadLetters, dimensions: labels, factory: factory)
            droppedByReason = Mutex([:])
        }

        func dropped(_ count: Int, reason: String) {
            let counter = droppedByReason.withLock { all in
                if let c = all[reason] { return c }
                let c = Counter(label: Name.dropped, dimensions: labels + [("reason", reason)], factory: factory)
                all[reason] = c
                return c
            }
            counter.increment(by: count)
        }
    }

    private let stages: [String: Stage]
    let videosOK, videosFailed: Counter
    let inFlight: Meter
    let decodedFrames, sampledFrames: Counter
    let videoLatency, frameLatency: Timer

    /// Metrics of `pipeline` with these stages, made by `factory` (default: the process's bootstrapped one).
    public init(pipeline: String, stages: [String], factory: any MetricsFactory = MetricsSystem.factory) {
        var byName: [String: Stage] = [:]
        for s in stages { byName[s] = Stage(pipeline: pipeline, stage: s, factory: factory) }
        self.stages = byName
        let labels = [("pipeline", pipeline)]
        videosOK = Counter(label: Name.videos, dimensions: labels + [("status", "ok")], factory: factory)
        videosFailed = Counter(label: Name.videos, dimensions: labels + [("status", "failed")], factory: factory)
        inFlight = Meter(label: Name.inFlight, dimensions: labels, factory: factory)
        decodedFrames = Counter(label: Name.decodedFrames, dimensions: labels, factory: factory)
        sampledFrames = Counter(label: Name.sampledFrames, dimensions: labels, factory: factory)
        videoLatency = Timer(label: Name.videoLatency, dimensions: labels, factory: factory)
        frameLatency = Timer(label: Name.frameLatency, dimensions: labels, factory: factory)
    }

    /// Metrics for `pipeline` (every stage) on the process's bootstrapped factory.
    public convenience init(pipeline: LoadedPipeline, factory: any MetricsFactory = MetricsSystem.factory) {
        self.init(pipeline: pipeline.spec.name, stages: pipeline.stages.map(\.spec.name), factory: factory)
    }

    func stage(_ name: String) -> Stage? { stages[name] }

    /// A batch ran at `stage`: its size and where its time went.
    func batch(stage: String, size: Int, time: StageTime) {
        guard let s = stages[stage] else { return }
        s.batchSize.record(size)
        s.items.increment(by: size)
        s.batches.increment()
        s.queueWait.recordSeconds(time.queueWaitSeconds / Double(max(1, size)))
        s.preprocess.recordSeconds(time.preprocessSeconds)
        s.inference.recordSeconds(time.inferenceSeconds)
        s.postprocess.recordSeconds(time.postprocessSeconds)
    }

    /// Frames skipped at `stage` for `reason` (e.g. deadline).
    func dropped(stage: String, count: Int, reason: String) {
        stages[stage]?.dropped(count, reason: reason)
    }

    /// Messages delivered again to `stage` (after a crash, a reclaim or a failed try).
    func redelivered(stage: String, count: Int) { stages[stage]?.redelivered.increment(by: count) }

    /// A message of `stage` went to its dead-letter topic.
    func deadLettered(stage: String) { stages[stage]?.deadLettered.increment() }

    /// The broker's view of `stage`'s topic: pending (delivered, unacked), length and dead letters.
    public func brokerStats(stage: String, _ stats: TopicStats) {
        guard let s = stages[stage] else { return }
        s.pending.set(stats.pending)
        s.length.set(stats.length)
        s.deadLetters.set(stats.deadLetters)
    }

    /// Frames a distributed decoder decoded and sampled for one video.
    func decoded(frames: Int, sampled: Int) {
        decodedFrames.increment(by: frames)
        sampledFrames.increment(by: sampled)
    }

    /// A video finished (ok or failed) after `latency` seconds from its arrival.
    func videoFinished(_ result: VideoResult, latency: Double) {
        (result.status == .ok ? videosOK : videosFailed).increment()
        decodedFrames.increment(by: result.stats.decodedFrames)
        sampledFrames.increment(by: result.stats.sampledFrames)
        videoLatency.recordSeconds(latency)
    }
}
