/// What a video's headers say, as each result reports it (`"media"`).
public struct VideoMetadata: Sendable, Equatable {
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// Average frame rate; 0 when unknown.
    public var fps: Double
    /// Seconds, when the container states it (or a packet scan found it).
    public var duration: Double?
    /// FFmpeg's short codec name, e.g. `h264`.
    public var codec: String

    public init(width: Int, height: Int, fps: Double, duration: Double?, codec: String) {
        self.width = width
        self.height = height
        self.fps = fps
        self.duration = duration
        self.codec = codec
    }

    /// `{"width", "height", "fps", "duration", "codec"}` (duration null when unknown).
    public var json: JSONValue {
        func rounded(_ x: Double) -> JSONValue { .number((x * 1000).rounded() / 1000) }
        return .object([
            JSONField("width", .number(Double(width))), JSONField("height", .number(Double(height))),
            JSONField("fps", rounded(fps)), JSONField("duration", duration.map(rounded) ?? .null), JSONField("codec", .string(codec)),
        ])
    }

    /// One line for stores that keep strings: `width height fps duration codec` (`-`: no duration).
    public var storedText: String {
        "\(width) \(height) \(fps) \(duration.map { String($0) } ?? "-") \(codec.isEmpty ? "?" : codec)"
    }

    /// Parses `storedText`; nil for anything else.
    public init?(storedText: String) {
        let parts = storedText.split(separator: " ").map(String.init)
        guard parts.count == 5, let w = Int(parts[0]), let h = Int(parts[1]), let fps = Double(parts[2]) else { return nil }
        self.init(width: w, height: h, fps: fps, duration: Double(parts[3]), codec: parts[4])
    }
}
