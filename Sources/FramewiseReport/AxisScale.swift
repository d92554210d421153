import Foundation

/// A linear axis from 0 (or `min`) to a "nice" maximum, with ticks at 1, 2 or 5 times a power of ten.
public struct AxisScale: Sendable, Equatable {
    public var min: Double
    public var max: Double
    public var ticks: [Double]

    /// An axis covering `lower...upper` with about `count` ticks.
    public init(lower: Double = 0, upper: Double, count: Int = 5) {
        let span = Swift.max(upper - lower, 1e-9)
        let raw = span / Double(Swift.max(1, count))
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        let lo = floor(lower / step) * step
        var hi = ceil(upper / step) * step
        if hi <= lo { hi = lo + step }
        min = lo
        max = hi
        ticks = stride(from: lo, through: hi + step / 2, by: step).map { $0 }
    }

    /// Where `value` falls on a pixel range `from...to`.
    public func position(_ value: Double, from: Double, to: Double) -> Double {
        from + (value - min) / (max - min) * (to - from)
    }
}
