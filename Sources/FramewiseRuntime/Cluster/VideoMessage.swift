/// A video submitted to a distributed run: what a decoder needs to start on it.
public struct VideoMessage: Sendable, Codable, Hashable {
    public var job: String
    /// The video's index within the job.
    public var video: Int
    /// Where every worker can read it (a path on shared storage, or a URL FFmpeg opens).
    public var path: String
    /// When it was submitted, Unix seconds.
    public var submittedAt: Double
    /// When its result is due, Unix seconds (nil: no SLO).
    public var deadline: Double?

    public init(job: String, video: Int, path: String, submittedAt: Double, deadline: Double? = nil) {
        self.job = job
        self.video = video
        self.path = path
        self.submittedAt = submittedAt
        self.deadline = deadline
    }
}
