/// Estimates the interval between arrivals: an exponentially weighted mean of the gaps, which
/// grows with the silence since the last arrival (an estimate never claims arrivals are more
/// frequent than what has been seen lately).
public struct ArrivalRateEstimator<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Gaps needed before the estimate is used.
    public static var minimumGaps: Int { 2 }
    /// Weight of the newest gap in the mean.
    public let smoothing: Double
    /// The latest arrival.
    public private(set) var lastArrival: Instant?
    /// Gaps seen so far.
    public private(set) var gapCount = 0
    /// Smoothed gap in seconds.
    public private(set) var meanGapSeconds = 0.0

    /// An estimator; `smoothing` in (0, 1] weighs the newest gap.
    public init(smoothing: Double = 0.2) {
        self.smoothing = min(1, max(0.01, smoothing))
    }

    /// Whether enough gaps have been seen to trust the estimate.
    public var isKnown: Bool { gapCount >= Self.minimumGaps }

    /// Records an arrival at `now`.
    public mutating func record(_ now: Instant) {
        if let last = lastArrival {
            let gap = max(0, BatchTime.seconds(last.duration(to: now)))
            meanGapSeconds = gapCount == 0 ? gap : meanGapSeconds + smoothing * (gap - meanGapSeconds)
            gapCount += 1
        }
        lastArrival = now
    }

    /// Expected interval between arrivals at `now`, in seconds: the smoothed gap, or the silence
    /// since the last arrival when that is longer. Nil until `isKnown`.
    public func interval(at now: Instant) -> Double? {
        guard isKnown, let last = lastArrival else { return nil }
        return max(meanGapSeconds, BatchTime.seconds(last.duration(to: now)))
    }
}
