import Foundation

/// How the streaming engine uses the machine. Defaults come from the core count.
public struct EngineConfiguration: Sendable, Equatable {
    /// Most videos in flight at once: admitted, each decoding on its own thread, until its result.
    /// Arrived videos beyond it wait at admission (closed loop when all arrive at the start).
    public var decoders: Int
    /// Most frames inside the pipeline (decoded, not through every stage) before a newly arrived
    /// video waits at admission (nil: twice what every stage's batches hold at once).
    public var frameBudget: Int?
    /// Admitted videos that decode at once, in admission order (nil, the default: every admitted
    /// video). Fewer lets the oldest video's frames go first, so videos finish in order and a long
    /// one is not starved by the others sharing the stages: at 4 in flight on the moderation
    /// example, per-video p99 4.2 s with all decoding, 2.1 s with one. The cost: a video whose
    /// input stalls (a pipe, a slow mount) holds its slot, and the videos behind it wait.
    public var decodeSlots: Int?
    /// Decoder threads per video (0: one when several videos decode at once, else automatic).
    public var decodeThreads: Int
    /// Dedicated threads for preprocessing and inference.
    public var workerThreads: Int
    /// Concurrent batches per stage (instances of each model). Default: the worker threads, so
    /// any stage can use every worker while another waits for frames (the thread pool bounds
    /// what runs at once); one instance per stage would leave a fast stage's thread idle while
    /// the slowest stage queues.
    public var instancesPerStage: Int
    /// Frames (messages) a stage topic holds before its producers wait (backpressure). Nil: each
    /// stage's own bound, twice its batch limit times its instances, so decoders run ahead of
    /// inference only as far as batching needs.
    public var topicBound: Int?
    /// Longest a partly filled batch waits for more frames from other videos, for every stage
    /// (nil: each model's `batching.max_queue_delay_ms`).
    public var maxQueueDelay: Duration?
    /// Per-video latency objective, from the video's arrival (nil: none).
    public var slo: Duration?
    /// What happens to a frame that cannot meet its video's deadline.
    public var latePolicy: LatePolicy = .drop
    /// Decode files FFmpeg reads with a demuxer that is not a video container (`DecoderOptions.allowAnyDemuxer`).
    public var allowAnyDemuxer = false
    /// Priority of the engine's compute threads (decoders, preprocessing, inference; default:
    /// normal). `framewise serve` lowers it so that its request threads are not kept waiting
    /// behind a busy engine (`ThreadPriority`).
    public var computePriority = ComputePriority.normal

    /// Nexus' early drop, or run late and say so.
    public enum LatePolicy: String, Sendable, Equatable, Codable, CaseIterable {
        /// Drop the frame before it takes a batch slot when now + the predicted batch latency misses the deadline.
        case drop
        /// Run it anyway and mark the frame `"late": true`.
        case markLate = "mark_late"
    }

    /// Per-stage instances and batch limits (from a capacity plan), overriding the defaults above
    /// and the pipeline's batch limits.
    public var stages: [String: StageOverride] = [:]

    /// How many instances of a stage run, the largest batch each forms, and the stage's latency
    /// budget (a plan's split of the SLO).
    public struct StageOverride: Sendable, Equatable, Codable {
        public var instances: Int?
        public var batchLimit: Int?
        /// With an SLO, a frame is also due `budget` after it became ready for this stage, so
        /// each stage drops (or marks late) what misses its own share, as Nexus does.
        public var budget: Duration?
        public init(instances: Int? = nil, batchLimit: Int? = nil, budget: Duration? = nil) {
            self.instances = instances
            self.batchLimit = batchLimit
            self.budget = budget
        }
    }

    /// Instances of `stage`.
    public func instances(of stage: String) -> Int { max(1, stages[stage]?.instances ?? instancesPerStage) }

    /// The bound of `stage`'s topic when its batches hold `batchLimit` frames.
    public func topicBound(of stage: String, batchLimit: Int) -> Int {
        topicBound ?? max(2, 2 * max(1, batchLimit) * instances(of: stage))
    }

    /// `decoders` defaults to twice the core count (videos in flight), `workerThreads` to the core
    /// count, `instancesPerStage` to the worker threads.
    public init(decoders: Int? = nil, decodeThreads: Int = 0, workerThreads: Int? = nil, instancesPerStage: Int? = nil,
                topicBound: Int? = nil, maxQueueDelay: Duration? = nil) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        self.decoders = max(1, decoders ?? 2 * cores)
        self.decodeThreads = decodeThreads
        self.workerThreads = max(1, workerThreads ?? cores)
        self.instancesPerStage = max(1, instancesPerStage ?? self.workerThreads)
        self.topicBound = topicBound.map { max(1, $0) }
        self.maxQueueDelay = maxQueueDelay
    }
}
