/// Which decoded frames of a video are kept for the models.
public enum SamplingPolicy: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// Every decoded frame.
    case everyFrame
    /// At most `n` frames per second of presentation time (the first frame at or after each 1/n s tick).
    case fps(Double)
    /// Every nth decoded frame, starting with the first.
    case everyNth(Int)
    /// Only keyframes; the decoder skips the others (AVDISCARD_NONKEY), decoding a fraction of the frames.
    case keyframes
    /// `k` frames spread uniformly over the video's duration.
    case uniform(Int)

    public var description: String {
        switch self {
        case .everyFrame: "every frame"
        case let .fps(n): "\(n) fps"
        case let .everyNth(n): "every \(n)th frame"
        case .keyframes: "keyframes only"
        case let .uniform(k): "\(k) frames uniformly"
        }
    }
}
