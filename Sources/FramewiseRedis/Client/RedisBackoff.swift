/// Exponential backoff with a cap and jitter: attempt `n` (from 0) waits
/// `min(initial * multiplier^n, maximum)`, scaled by a random factor in `1 ± jitter`.
///
/// Used for reconnecting and for polling while a stream is full. Pure: the random number is
/// passed in, so tests can check the bounds.
public struct RedisBackoff: Sendable, Equatable {
    /// The first delay. Default 50 ms.
    public var initial: Duration
    /// The largest delay before jitter. Default 2 s.
    public var maximum: Duration
    /// Growth per attempt. Default 2.
    public var multiplier: Double
    /// Relative spread, 0...1: 0.2 gives delays in [0.8, 1.2] times the nominal one. Default 0.2.
    public var jitter: Double
    /// Attempts before giving up; `nil` for no limit. Default 10.
    public var maxAttempts: Int?

    /// A backoff with the documented defaults.
    public init(
        initial: Duration = .milliseconds(50),
        maximum: Duration = .seconds(2),
        multiplier: Double = 2,
        jitter: Double = 0.2,
        maxAttempts: Int? = 10
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
        self.maxAttempts = maxAttempts
    }

    /// The nominal (un-jittered) delay before attempt `attempt + 1`.
    public func nominalDelay(attempt: Int) -> Duration {
        let factor = cappedPower(multiplier, Double(max(attempt, 0)))
        let scaled = initial * factor
        return scaled < maximum ? scaled : maximum
    }

    /// The delay before attempt `attempt + 1`, with `random` in 0..<1 choosing the jitter.
    public func delay(attempt: Int, random: Double) -> Duration {
        let spread = 1 + jitter * (2 * random - 1)
        return nominalDelay(attempt: attempt) * spread
    }

    /// The delay before attempt `attempt + 1`, jittered by the system random generator.
    public func delay(attempt: Int) -> Duration {
        delay(attempt: attempt, random: Double.random(in: 0..<1))
    }

    /// Whether attempt number `attempt` (from 0) may still be made.
    public func allows(attempt: Int) -> Bool {
        maxAttempts.map { attempt < $0 } ?? true
    }
}

/// `base` to a whole `exponent`, stopping early once huge (the caller caps the result anyway).
private func cappedPower(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var n = Int(exponent)
    while n > 0 {
        result *= base
        if result > 1e12 { return result }
        n -= 1
    }
    return result
}
