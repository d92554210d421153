/// A clock whose time runs `factor` times as fast as the continuous clock (or stands still at 0),
/// so a test can make seconds of engine time pass in milliseconds without sleeping.
public struct ScaledClock: Clock, Sendable {
    public typealias Instant = ContinuousClock.Instant

    /// How much faster than real time (0: frozen at the origin).
    public let factor: Double
    private let origin: ContinuousClock.Instant

    public init(factor: Double) {
        self.factor = factor
        origin = ContinuousClock.now
    }

    public var now: Instant {
        let real = origin.duration(to: ContinuousClock.now)
        let scaled = Double(real.components.seconds) * factor + Double(real.components.attoseconds) * 1e-18 * factor
        return origin.advanced(by: .nanoseconds(Int64((scaled * 1e9).rounded())))
    }

    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Sleeps the real time that makes `deadline` arrive on this clock.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        guard factor > 0 else { return try await Task.sleep(for: .zero) }
        let wait = now.duration(to: deadline)
        guard wait > .zero else { return }
        let real = Double(wait.components.seconds) / factor + Double(wait.components.attoseconds) * 1e-18 / factor
        try await Task.sleep(for: .nanoseconds(Int64((real * 1e9).rounded())))
    }
}
