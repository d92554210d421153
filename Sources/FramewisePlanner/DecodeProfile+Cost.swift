import FramewiseCore

extension DecodeProfile {
    /// The planner's cost for videos of `videoSeconds` seconds with `framesPerVideo` sampled frames:
    /// CPU seconds per second of video times the length (the decoder works through the whole video
    /// whatever the sampling keeps). Throws on a profile that measured nothing.
    public func cost(videoSeconds length: Double, framesPerVideo: Double) throws(PlannerError) -> DecodeCost {
        guard videos > 0, videoSeconds > 0, videoSeconds.isFinite, cpuSeconds.isFinite, cpuSeconds >= 0 else {
            throw .invalidArgument("decode profile of '\(pipeline)' on '\(deviceName)' measured \(videos) videos, "
                                   + "\(videoSeconds) s of video, \(cpuSeconds) CPU s")
        }
        guard length.isFinite, length > 0 else { throw .invalidArgument("video length \(length) s must be positive") }
        let cost = DecodeCost(secondsPerVideo: secondsPerVideoSecond * length, framesPerVideo: framesPerVideo)
        try cost.validate()
        return cost
    }
}
