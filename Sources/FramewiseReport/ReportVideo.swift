import FramewiseCore

/// One video of a results file, as the report reads it back.
public struct ReportVideo: Sendable, Equatable {
    /// Position in the results file (0-based).
    public var index: Int
    public var path: String
    public var ok: Bool
    public var error: String?
    /// Summary fields in the pipeline's order.
    public var summary: [JSONField]
    /// Each frame's JSON (`index`, `time`, then one field per stage).
    public var frames: [JSONValue]
    public var sampledFrames: Int
    public var decodeSeconds: Double
    public var wallSeconds: Double
    /// Per stage: items, batches and seconds (queue wait, preprocess, inference, postprocess).
    public var stages: [String: StageTime]
    /// Arrival, admission, finish and deadline (nil: not in the results).
    public var times: VideoTimes?
    /// Seconds from decode to the last stage for each frame (empty: not in the results).
    public var frameLatencies: [Double]

    public init(index: Int, path: String, ok: Bool, error: String? = nil, summary: [JSONField] = [], frames: [JSONValue] = [],
                sampledFrames: Int = 0, decodeSeconds: Double = 0, wallSeconds: Double = 0, stages: [String: StageTime] = [:],
                times: VideoTimes? = nil, frameLatencies: [Double] = []) {
        self.index = index
        self.path = path
        self.ok = ok
        self.error = error
        self.summary = summary
        self.frames = frames
        self.sampledFrames = sampledFrames
        self.decodeSeconds = decodeSeconds
        self.wallSeconds = wallSeconds
        self.stages = stages
        self.times = times
        self.frameLatencies = frameLatencies
    }

    /// Seconds from arrival to result (from the recorded times, else the wall time).
    public var latency: Double { times.map { $0.finished - $0.arrived } ?? wallSeconds }
}
