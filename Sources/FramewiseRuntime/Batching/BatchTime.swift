/// Conversions between `Duration` and seconds for the batcher's arithmetic.
enum BatchTime {
    /// `d` in seconds.
    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }

    /// `s` seconds as a Duration; non-finite or negative values become zero.
    static func duration(_ s: Double) -> Duration {
        guard s.isFinite, s > 0 else { return .zero }
        return .nanoseconds(Int64((min(s, 9e9) * 1e9).rounded()))
    }
}
