/// Measured decode cost of a pipeline's sampling on a device: CPU seconds spent decoding a set of
/// videos, with what was decoded. Saved by `framewise profile` beside the pipeline, keyed by the
/// pipeline's sampling and the device; read by `framewise plan` to make a `DecodeCost`.
public struct DecodeProfile: Sendable, Codable, Equatable {
    /// Pipeline name.
    public var pipeline: String
    /// The sampling policy decoded with, as written by `SamplingPolicy.description`.
    public var sampling: String
    /// Device the cost was measured on (e.g. "cpu-2c-amd-epyc").
    public var deviceName: String
    /// Decoder threads per video (0: FFmpeg's automatic choice).
    public var threadsPerDecoder: Int
    /// Videos decoded.
    public var videos: Int
    /// Their summed duration, seconds of video.
    public var videoSeconds: Double
    /// Frames the sampling kept.
    public var sampledFrames: Int
    /// Frames the codec decoded.
    public var decodedFrames: Int
    /// CPU seconds (all threads) spent decoding.
    public var cpuSeconds: Double
    /// Wall seconds spent decoding.
    public var wallSeconds: Double
    /// Crops per parent item of each crop stage, measured by running the pipeline's upstream stages on
    /// sampled frames of these videos (`framewise plan` uses it where `--fanout` does not say); nil in
    /// profiles saved before it was measured, or of pipelines without crop stages.
    public var fanout: [String: Double]?

    public init(pipeline: String, sampling: String, deviceName: String, threadsPerDecoder: Int, videos: Int,
                videoSeconds: Double, sampledFrames: Int, decodedFrames: Int, cpuSeconds: Double, wallSeconds: Double) {
        self.pipeline = pipeline
        self.sampling = sampling
        self.deviceName = deviceName
        self.threadsPerDecoder = threadsPerDecoder
        self.videos = videos
        self.videoSeconds = videoSeconds
        self.sampledFrames = sampledFrames
        self.decodedFrames = decodedFrames
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
    }

    /// CPU seconds per video, on average over the profiled videos.
    public var secondsPerVideo: Double { videos > 0 ? cpuSeconds / Double(videos) : 0 }
    /// CPU seconds per second of video.
    public var secondsPerVideoSecond: Double { videoSeconds > 0 ? cpuSeconds / videoSeconds : 0 }
    /// CPU seconds per sampled frame.
    public var secondsPerSampledFrame: Double { sampledFrames > 0 ? cpuSeconds / Double(sampledFrames) : 0 }
}
