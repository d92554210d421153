/// What travels between stages: a reference to one sampled frame of one video (never pixels),
/// and when it became ready, for queue-wait accounting.
public struct FrameMessage: Sendable, Codable, Hashable {
    /// The distributed job the frame belongs to (nil within one process).
    public var job: String?
    /// The video's index within the run.
    public var video: Int
    /// The frame's position among the video's sampled frames.
    public var slot: Int
    /// When the frame became ready for the stage, in seconds on the host's clock (the
    /// engine's start in one process; the Unix epoch in a distributed run).
    public var readyAt: Double
    /// When the video's result is due, on the same clock (nil: no SLO).
    public var deadline: Double?
    /// The distributed job's epoch the frame was made in (nil within one process); the job
    /// store refuses work of any other epoch than the job's current one.
    public var epoch: Int?
    /// The video's trace (W3C `traceparent` of its root span; nil: not traced), so a stage in
    /// another process records its batch in the same trace.
    public var traceparent: String?

    public init(job: String? = nil, video: Int, slot: Int, readyAt: Double, deadline: Double? = nil, epoch: Int? = nil, traceparent: String? = nil) {
        self.job = job
        self.traceparent = traceparent
        self.epoch = epoch
        self.video = video
        self.slot = slot
        self.readyAt = readyAt
        self.deadline = deadline
    }
}

/// A frame of a run: video index and sampled-frame slot.
struct FrameKey: Hashable, Sendable {
    let video: Int
    let slot: Int
}
