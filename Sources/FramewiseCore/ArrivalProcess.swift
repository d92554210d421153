import Foundation

/// When videos arrive: open-loop arrival times at a rate, Poisson (exponential gaps) or uniform
/// (evenly spaced), from a seeded generator so a run can be repeated exactly.
public struct ArrivalProcess: Sendable, Equatable, Codable {
    /// The shape of the gaps between arrivals.
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        /// Exponentially distributed gaps with mean 1/rate (a Poisson process).
        case poisson
        /// Every 1/rate seconds exactly.
        case uniform
    }

    /// Arrivals per second.
    public var rate: Double
    public var kind: Kind
    /// Seed of the generator (Poisson only).
    public var seed: UInt64

    /// Why a process cannot be made.
    public struct InvalidRate: Error, Sendable, Equatable, CustomStringConvertible {
        public var rate: Double
        public var description: String { "arrival rate \(rate) must be a positive, finite number of videos per second" }
    }

    public init(rate: Double, kind: Kind = .poisson, seed: UInt64 = 1) throws(InvalidRate) {
        guard rate > 0, rate.isFinite else { throw InvalidRate(rate: rate) }
        self.rate = rate
        self.kind = kind
        self.seed = seed
    }

    /// Seconds from the start at which each of `count` videos arrives; the first arrives at 0.
    public func times(count: Int) -> [Double] {
        guard count > 0 else { return [] }
        switch kind {
        case .uniform:
            return (0..<count).map { Double($0) / rate }
        case .poisson:
            var generator = SplitMix64(seed: seed)
            var t = 0.0
            var out = [0.0]
            out.reserveCapacity(count)
            for _ in 1..<count {
                // Inverse CDF of the exponential distribution; u in (0, 1].
                let u = 1 - generator.nextUnitInterval()
                t += -log(u) / rate
                out.append(t)
            }
            return out
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64); the same seed gives
/// the same sequence on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func nextUnitInterval() -> Double { Double(next() >> 11) * 0x1p-53 }
}
