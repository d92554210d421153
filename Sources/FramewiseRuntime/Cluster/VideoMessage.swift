/// A video submitted to a distributed run: what a decoder needs to start on it.
public struct VideoMessage: Sendable, Codable, Hashable {
    public var job: String
    /// The job's epoch when it was submitted: the job store refuses the work of any other epoch
    /// than the job's current one (a run that lost its broker's state submits again under the next).
    public var epoch: Int
    /// The video's index within the job.
    public var video: Int
    /// Where every worker can read it (a path on shared storage, or a URL FFmpeg opens).
    public var path: String
    /// When it was submitted, Unix seconds.
    public var submittedAt: Double
    /// When its result is due, Unix seconds (nil: no SLO).
    public var deadline: Double?
    /// The video's trace (W3C `traceparent` of its root span; nil: not traced).
    public var traceparent: String?

    public init(job: String, epoch: Int, video: Int, path: String, submittedAt: Double, deadline: Double? = nil, traceparent: String? = nil) {
        self.traceparent = traceparent
        self.job = job
        self.epoch = epoch
        self.video = video
        self.path = path
        self.submittedAt = submittedAt
        self.deadline = deadline
    }

    enum CodingKeys: String, CodingKey {
        case job, epoch, video, path, submittedAt, deadline, traceparent
    }

    /// Messages without an epoch (from before epochs existed) read as epoch 0, which no job has.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        job = try c.decode(String.self, forKey: .job)
        epoch = try c.decodeIfPresent(Int.self, forKey: .epoch) ?? 0
        video = try c.decode(Int.self, forKey: .video)
        path = try c.decode(String.self, forKey: .path)
        submittedAt = try c.decode(Double.self, forKey: .submittedAt)
        deadline = try c.decodeIfPresent(Double.self, forKey: .deadline)
        traceparent = try c.decodeIfPresent(String.self, forKey: .traceparent)
    }
}
