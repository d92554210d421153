/// The outcome of one video: one line of a run's JSONL output.
public struct VideoResult: Sendable {
    /// Whether the video ran through the pipeline or failed (with `error`).
    public enum Status: String, Sendable, Equatable {
        case ok, failed
    }

    public var video: String
    /// The pipeline's name (its YAML `name`).
    public var pipeline: String?
    public var status: Status
    public var error: String?
    /// What the video's headers say (nil when it could not be opened).
    public var media: VideoMetadata?
    public var frames: [FrameResult]
    /// Per-video aggregations, in the pipeline's order.
    public var summary: [JSONField]
    public var stats: VideoStats

    public init(video: String, pipeline: String? = nil, status: Status, error: String? = nil, media: VideoMetadata? = nil,
                frames: [FrameResult] = [], summary: [JSONField] = [], stats: VideoStats = VideoStats()) {
        self.video = video
        self.pipeline = pipeline
        self.status = status
        self.error = error
        self.media = media
        self.frames = frames
        self.summary = summary
        self.stats = stats
    }

    /// The result as JSON: video, pipeline, status, error (when failed), media, frames, summary, stats.
    public var json: JSONValue {
        var fields = [JSONField("video", .string(video))]
        if let pipeline { fields.append(JSONField("pipeline", .string(pipeline))) }
        fields.append(JSONField("status", .string(status.rawValue)))
        if let error { fields.append(JSONField("error", .string(error))) }
        if let media { fields.append(JSONField("media", media.json)) }
        fields.append(JSONField("frames", .array(frames.map(\.json))))
        fields.append(JSONField("summary", .object(summary)))
        fields.append(JSONField("stats", stats.json))
        return .object(fields)
    }
}

/// The results of one sampled frame: which frame (its sample number and its number in the
/// stream), its time, and each stage's output.
public struct FrameResult: Sendable {
    /// Sample number within the video (0, 1, 2, ...): the frame's position among the kept frames.
    public var index: Int
    /// The frame's number in the stream (0-based, in presentation order, counting every frame,
    /// kept or not); nil where unknown.
    public var sourceIndex: Int?
    /// Presentation time in seconds from the start of the stream.
    public var time: Double
    /// Stage name -> output, in the pipeline's stage order.
    public var outputs: [JSONField]

    public init(index: Int, sourceIndex: Int? = nil, time: Double, outputs: [JSONField]) {
        self.index = index
        self.sourceIndex = sourceIndex
        self.time = time
        self.outputs = outputs
    }

    /// `index` (sample number), `source_frame` (number in the stream), `time`, then each stage's output.
    public var json: JSONValue {
        var fields = [JSONField("index", .number(Double(index)))]
        if let sourceIndex { fields.append(JSONField("source_frame", .number(Double(sourceIndex)))) }
        fields.append(JSONField("time", .number((time * 1000).rounded() / 1000)))
        return .object(fields + outputs)
    }
}

/// Where one video's time went.
public struct VideoStats: Sendable, Equatable {
    /// Frames the codec decoded (more than sampled unless every frame is kept).
    public var decodedFrames: Int
    /// Frames kept by sampling.
    public var sampledFrames: Int
    /// Wall time from start to result.
    public var wallSeconds: Double
    /// Seconds spent decoding (on the decode thread).
    public var decodeSeconds: Double
    /// Per stage: preprocess, inference and post-process seconds.
    public var stages: [String: StageTime]
    /// When the video arrived, was admitted, finished and was due (streaming engine; nil: not recorded).
    public var times: VideoTimes?
    /// Seconds from each frame's decode to its last stage, in frame order (streaming engine; empty: not recorded).
    public var frameLatencies: [Double]

    public init(decodedFrames: Int = 0, sampledFrames: Int = 0, wallSeconds: Double = 0, decodeSeconds: Double = 0, stages: [String: StageTime] = [:],
                times: VideoTimes? = nil, frameLatencies: [Double] = []) {
        self.decodedFrames = decodedFrames
        self.sampledFrames = sampledFrames
        self.wallSeconds = wallSeconds
        self.decodeSeconds = decodeSeconds
        self.stages = stages
        self.times = times
        self.frameLatencies = frameLatencies
    }

    public var json: JSONValue {
        func ms(_ s: Double) -> JSONValue { .number((s * 1e5).rounded() / 100) }
        let stageFields = stages.keys.sorted().map { name -> JSONField in
            let t = stages[name] ?? StageTime()
            return JSONField(name, .object([
                "items": .number(Double(t.items)), "batches": .number(Double(t.batches)),
                "preprocess_ms": ms(t.preprocessSeconds), "queue_wait_ms": ms(t.queueWaitSeconds), "inference_ms": ms(t.inferenceSeconds), "postprocess_ms": ms(t.postprocessSeconds),
                "dropped": .number(Double(t.dropped)), "late": .number(Double(t.late)),
            ]))
        }
        var fields = [
            JSONField("decoded_frames", .number(Double(decodedFrames))), JSONField("sampled_frames", .number(Double(sampledFrames))),
            JSONField("wall_ms", ms(wallSeconds)), JSONField("decode_ms", ms(decodeSeconds)), JSONField("stages", .object(stageFields)),
        ]
        if let times { fields.append(JSONField("times_unix_ms", times.json)) }
        if !frameLatencies.isEmpty { fields.append(JSONField("frame_latency_ms", .array(frameLatencies.map(ms)))) }
        return .object(fields)
    }
}

/// Time one stage spent on a video.
public struct StageTime: Sendable, Equatable {
    public var items: Int = 0
    public var batches: Int = 0
    public var preprocessSeconds: Double = 0
    /// Time items waited between becoming ready and their batch starting.
    public var queueWaitSeconds: Double = 0
    public var inferenceSeconds: Double = 0
    public var postprocessSeconds: Double = 0
    /// Frames dropped before running because they could not meet their deadline.
    public var dropped: Int = 0
    /// Frames that ran but finished after their deadline.
    public var late: Int = 0
    public init() {}

    public mutating func add(_ other: StageTime) {
        items += other.items
        batches += other.batches
        preprocessSeconds += other.preprocessSeconds
        queueWaitSeconds += other.queueWaitSeconds
        inferenceSeconds += other.inferenceSeconds
        postprocessSeconds += other.postprocessSeconds
        dropped += other.dropped
        late += other.late
    }
}

/// Where finished videos go (a JSONL file for runs; a durable store for the server).
public protocol ResultSink: Sendable {
    /// Records one video's result. Called once per video.
    func write(_ result: VideoResult) async throws
    /// Flushes and closes.
    func finish() async throws
}
