import FramewiseCore

/// CPU time a pipeline spends decoding, as the planner counts it: a pseudo-stage in front of every
/// model stage, costing `secondsPerVideo` of one core per video, linear in the video rate (decoding
/// does not batch). Usually made from a measured `DecodeProfile`.
public struct DecodeCost: Sendable, Codable, Equatable {
    /// CPU seconds (one core) to decode one video with the pipeline's sampling.
    public var secondsPerVideo: Double
    /// Sampled frames per video (only for the per-frame figure in plans; 0 when unknown).
    public var framesPerVideo: Double

    public init(secondsPerVideo: Double, framesPerVideo: Double = 0) {
        self.secondsPerVideo = secondsPerVideo
        self.framesPerVideo = framesPerVideo
    }

    /// Rejects negative or non-finite values.
    func validate() throws(PlannerError) {
        guard secondsPerVideo.isFinite, secondsPerVideo >= 0 else {
            throw .invalidArgument("decode cost \(secondsPerVideo) s per video must be finite and non-negative")
        }
        guard framesPerVideo.isFinite, framesPerVideo >= 0 else {
            throw .invalidArgument("decode cost: \(framesPerVideo) frames per video must be finite and non-negative")
        }
    }
}
