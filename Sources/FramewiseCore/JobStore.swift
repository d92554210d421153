import Foundation

/// The shared, durable state of distributed runs: which frames of a job's videos exist, each
/// stage's output per frame (opaque bytes), and which videos are finished.
///
/// Every write is idempotent, so a redelivered message (at-least-once) never records a second
/// output, never hands a frame on twice to the same stage and never finishes a video twice.
/// Frame and video completion are decided inside the store, atomically: a video is finished
/// exactly once, when decoding ended and every frame went through every stage, or at its first
/// error; then it is announced on the job's finished feed.
///
/// A job has an epoch (1 when created). When the store loses a job's state (a Redis restart
/// without persistence, FLUSHALL, eviction, failover) the run starts the job over under the next
/// epoch (`restartJob`); every write carries the epoch of the message it comes from and is
/// refused unless it is the job's current one, so late work from before never mixes in.
public protocol JobStore: Sendable {
    /// Registers a job of `videos` videos of pipeline `pipeline` under `epoch`.
    func createJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws

    /// Starts the job over under `epoch`: from now on only writes of that epoch count, and
    /// everything stored about its videos before is forgotten.
    func restartJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws

    /// The token naming the store's current contents, made on first use: it stays the same while
    /// the data lives, so a different or missing one (`check`) means the data was lost.
    func storeEpoch() async throws -> String

    /// What the store looks like to a run that wants to know whether its job's state is intact.
    func check(job: String) async throws -> JobStoreCheck

    /// A decoder produced `slot` of `video`: whether to hand it to the root stages now.
    func frameDecoded(job: String, epoch: Int, video: Int, slot: Int, info: StoredFrameInfo) async throws -> FrameDecodedOutcome

    /// Remembers that the frame was handed to `stage` (a root marker, or a downstream stage).
    func markPublished(job: String, epoch: Int, video: Int, slot: Int, stages: [String]) async throws

    /// Records stage outputs of a frame (kept only the first time per stage), adds `time`
    /// to the video's totals once, and finishes the frame when it holds `stageCount` outputs.
    /// `candidates` maps each stage that may be ready now to the stages it reads; returns the
    /// candidates whose inputs are all recorded and that were not yet handed the frame.
    func record(_ update: StageOutputUpdate) async throws -> [String]

    /// The recorded outputs of `stages` for one frame (stages without one left out).
    func outputs(job: String, video: Int, slot: Int, stages: [String]) async throws -> [String: Data]

    /// Decoding of `video` ended with `frames` sampled frames; `media` is what its headers say.
    func videoDecoded(job: String, epoch: Int, video: Int, frames: Int, decodedFrames: Int, decodeSeconds: Double, media: VideoMetadata?) async throws

    /// The video failed with `error` (the first error wins); finishes it.
    func fail(job: String, epoch: Int, video: Int, error: String) async throws

    /// Whether the video is finished (failed, or every frame done), or nobody needs it any more
    /// (its result was written, its job is gone, or `epoch` is not the job's current one).
    func isFinished(job: String, epoch: Int, video: Int) async throws -> Bool

    /// Videos finished after `cursor` (nil: from the start), waiting up to `wait` for the first.
    func finishedVideos(job: String, after cursor: String?, wait: Duration) async throws -> (videos: [Int], cursor: String?)

    /// Everything stored about a video, for assembling its result.
    func video(job: String, video: Int) async throws -> StoredVideo

    /// Forgets a video's state (after its result is written).
    func removeVideo(job: String, video: Int, frames: Int) async throws

    /// Forgets the job.
    func removeJob(_ job: String) async throws

    /// Jobs in the store and how far each is.
    func jobs() async throws -> [JobSummary]

    /// A worker says it is alive and what it serves; forgotten `ttl` after its last heartbeat.
    func heartbeat(_ worker: WorkerHeartbeat, ttl: Duration) async throws

    /// Workers alive now (heartbeat within their ttl).
    func workers() async throws -> [WorkerHeartbeat]
}

/// A look at a store from a run: enough to tell that its job's state is intact.
public struct JobStoreCheck: Sendable, Equatable {
    /// The store's token (`JobStore.storeEpoch`); nil when it is missing (the data was lost).
    public var storeEpoch: String?
    /// The job's current epoch; nil when the job is gone.
    public var jobEpoch: Int?
    /// Keys the store has evicted since it started (nil: it cannot tell).
    public var evictedKeys: Int?
    public init(storeEpoch: String?, jobEpoch: Int?, evictedKeys: Int? = nil) {
        self.storeEpoch = storeEpoch
        self.jobEpoch = jobEpoch
        self.evictedKeys = evictedKeys
    }
}

/// What a live worker serves, as `framewise status` lists it.
public struct WorkerHeartbeat: Sendable, Equatable, Codable {
    /// Unique per process (`host-pid`).
    public var name: String
    public var pipeline: String
    /// Stage names, `decode` included when it decodes.
    public var stages: [String]
    public init(name: String, pipeline: String, stages: [String]) {
        self.name = name
        self.pipeline = pipeline
        self.stages = stages
    }
}

/// What a decoder should do with a frame it just stored.
public enum FrameDecodedOutcome: Sendable, Equatable {
    /// Hand it to the root stages, then `markPublished(..., stages: [JobStoreKeys.roots])`.
    case publish
    /// It was handed on before (the video is being decoded again after a crash): skip it.
    case alreadyPublished
    /// The video's result was written, its job abandoned or lost, or started over under another
    /// epoch: stop decoding it.
    case videoGone
}

/// Names every `JobStore` uses.
public enum JobStoreKeys {
    /// The marker for "handed to the root stages".
    public static let roots = "@roots"
}

extension JobStore {
    /// `videoDecoded` without the headers' metadata.
    public func videoDecoded(job: String, epoch: Int, video: Int, frames: Int, decodedFrames: Int, decodeSeconds: Double) async throws {
        try await videoDecoded(job: job, epoch: epoch, video: video, frames: frames, decodedFrames: decodedFrames, decodeSeconds: decodeSeconds, media: nil)
    }
}

/// When and where a sampled frame was decoded.
public struct StoredFrameInfo: Sendable, Equatable {
    /// Ordinal among the video's sampled frames as the decoder numbers them.
    public var index: Int
    /// Presentation time, seconds.
    public var time: Double
    /// When it was decoded, Unix seconds.
    public var readyAt: Double
    /// The frame's number in the stream (nil: not recorded).
    public var sourceIndex: Int?
    public init(index: Int, time: Double, readyAt: Double, sourceIndex: Int? = nil) {
        self.index = index
        self.time = time
        self.readyAt = readyAt
        self.sourceIndex = sourceIndex
    }
}

/// One stage's result for one frame, as `JobStore.record` takes it.
public struct StageOutputUpdate: Sendable {
    public var job: String
    /// The epoch of the message the output comes from (refused unless it is the job's current one).
    public var epoch: Int
    public var video: Int
    public var slot: Int
    /// Stage -> encoded output (one stage, or a stage and its downstream when dropped).
    public var outputs: [String: Data]
    /// The pipeline's stage count: a frame with this many outputs is done.
    public var stageCount: Int
    /// Stage -> the stages it reads, for the stages that may become ready.
    public var candidates: [String: [String]]
    /// Time to add to the video's totals for `stage` (only when an output is new).
    public var stage: String
    public var time: StageTime
    /// The frame finished after its deadline.
    public var late: Bool
    /// Now, Unix seconds (the frame's completion time when this finishes it).
    public var now: Double

    public init(job: String, epoch: Int, video: Int, slot: Int, outputs: [String: Data], stageCount: Int, candidates: [String: [String]],
                stage: String, time: StageTime, late: Bool = false, now: Double) {
        self.job = job
        self.epoch = epoch
        self.video = video
        self.slot = slot
        self.outputs = outputs
        self.stageCount = stageCount
        self.candidates = candidates
        self.stage = stage
        self.time = time
        self.late = late
        self.now = now
    }
}

/// What a store holds about one finished (or running) video.
public struct StoredVideo: Sendable {
    /// Sampled frames, once decoding ended.
    public var totalFrames: Int?
    public var decodedFrames: Int
    public var decodeSeconds: Double
    public var error: String?
    /// Per-stage time totals.
    public var stages: [String: StageTime]
    public var frames: [StoredFrame]
    /// What the video's headers say, once decoded.
    public var media: VideoMetadata?
    public init(totalFrames: Int? = nil, decodedFrames: Int = 0, decodeSeconds: Double = 0, error: String? = nil,
                stages: [String: StageTime] = [:], frames: [StoredFrame] = [], media: VideoMetadata? = nil) {
        self.media = media
        self.totalFrames = totalFrames
        self.decodedFrames = decodedFrames
        self.decodeSeconds = decodeSeconds
        self.error = error
        self.stages = stages
        self.frames = frames
    }
}

/// One frame as a store holds it.
public struct StoredFrame: Sendable {
    public var slot: Int
    public var info: StoredFrameInfo
    /// Stage -> encoded output.
    public var outputs: [String: Data]
    public var late: Bool
    /// When its last stage finished, Unix seconds.
    public var completedAt: Double?
    public init(slot: Int, info: StoredFrameInfo, outputs: [String: Data], late: Bool = false, completedAt: Double? = nil) {
        self.slot = slot
        self.info = info
        self.outputs = outputs
        self.late = late
        self.completedAt = completedAt
    }
}

/// A job as `framewise status` lists it.
public struct JobSummary: Sendable, Equatable {
    public var job: String
    public var pipeline: String
    public var videos: Int
    public var finished: Int
    /// Unix seconds.
    public var created: Double
    /// The job's current epoch (above 1 once it was started over after the broker lost its state).
    public var epoch: Int
    public init(job: String, pipeline: String, videos: Int, finished: Int, created: Double, epoch: Int = 1) {
        self.job = job
        self.pipeline = pipeline
        self.videos = videos
        self.finished = finished
        self.created = created
        self.epoch = epoch
    }
}
