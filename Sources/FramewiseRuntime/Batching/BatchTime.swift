import FramewiseCore
/// Conversions between `Duration` and seconds for the batcher's arithmetic.
enum BatchTime {
    /// `d` in seconds.
    static func seconds(_ d: Duration) -> Double { d.seconds }

    /// `s` seconds as a Duration; non-finite or negative values become zero.
    static func duration(_ s: Double) -> Duration {
        guard s.isFinite, s > 0 else { return .zero }
        return .nanoseconds(Int64((min(s, 9e9) * 1e9).rounded()))
    }
}
