/// What a video's container and stream headers say about it (read at open; nothing decoded).
public struct VideoInfo: Sendable, Equatable {
    /// The file.
    public var path: String
    /// FFmpeg's short codec name, e.g. `h264`, `hevc`, `mpeg4`.
    public var codecName: String
    /// Coded frame width in pixels.
    public var width: Int
    /// Coded frame height in pixels.
    public var height: Int
    /// Average frame rate (frames per second), 0 if unknown.
    public var averageFPS: Double
    /// Duration in seconds from the stream start, if the container states it (or a packet scan found it).
    public var duration: Double?
    /// Estimated number of frames: the container's count if stated, else duration x average fps; 0 if unknown.
    public var frameCountEstimate: Int
    /// Mean seconds between keyframes according to the container's index (MP4, MKV), if it has one.
    public var keyframeInterval: Double?
}
