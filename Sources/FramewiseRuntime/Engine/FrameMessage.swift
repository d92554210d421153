/// What travels between stages: a reference to one sampled frame of one video (never pixels),
/// and when it became ready, for queue-wait accounting.
public struct FrameMessage: Sendable, Codable, Hashable {
    /// The video's index within the run.
    public var video: Int
    /// The frame's position among the video's sampled frames.
    public var slot: Int
    /// Seconds since the engine started when the frame became ready for the stage.
    public var readyAt: Double
    /// Seconds since the engine started by which the video's result is due (nil: no SLO).
    public var deadline: Double?

    public init(video: Int, slot: Int, readyAt: Double, deadline: Double? = nil) {
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
