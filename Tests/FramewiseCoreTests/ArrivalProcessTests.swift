import Foundation
import FramewiseCore
import Testing

/// Open-loop arrivals: seeded, repeatable, and distributed as they claim.
@Suite struct ArrivalProcessTests {
    @Test func sameSeedSameTimesOtherSeedOtherTimes() throws {
        let a = try ArrivalProcess(rate: 3, kind: .poisson, seed: 42).times(count: 500)
        let b = try ArrivalProcess(rate: 3, kind: .poisson, seed: 42).times(count: 500)
        let c = try ArrivalProcess(rate: 3, kind: .poisson, seed: 43).times(count: 500)
        #expect(a == b)
        #expect(a != c)
        #expect(a.first == 0)
        #expect(zip(a, a.dropFirst()).allSatisfy { $0 <= $1 }, "times never go back")
    }

    /// Gaps of a Poisson process are exponential with mean 1/rate: check the mean, the coefficient
    /// of variation (1 for an exponential) and the Kolmogorov-Smirnov distance to its CDF.
    @Test(arguments: [0.5, 4.0, 200.0])
    func poissonGapsAreExponential(rate: Double) throws {
        let n = 20_000
        let times = try ArrivalProcess(rate: rate, kind: .poisson, seed: 7).times(count: n + 1)
        let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
        let mean = gaps.reduce(0, +) / Double(n)
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean * rate - 1) < 0.03, "mean gap \(mean) vs \(1 / rate)")
        #expect(abs(variance.squareRoot() / mean - 1) < 0.05, "coefficient of variation")
        let sorted = gaps.sorted()
        var ks = 0.0
        for (i, g) in sorted.enumerated() {
            let cdf = 1 - exp(-rate * g)
            ks = max(ks, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
        }
        // The 1% critical value of the KS statistic is 1.63 / sqrt(n).
        #expect(ks < 1.63 / Double(n).squareRoot(), "KS distance \(ks)")
    }

    @Test func uniformArrivalsAreEvenlySpaced() throws {
        let times = try ArrivalProcess(rate: 4, kind: .uniform).times(count: 9)
        #expect(times == (0..<9).map { Double($0) * 0.25 })
    }

    @Test(arguments: [0.0, -1.0, Double.infinity, Double.nan])
    func invalidRatesAreRefused(rate: Double) {
        #expect(throws: ArrivalProcess.InvalidRate.self) { try ArrivalProcess(rate: rate) }
    }

    @Test func splitMixUnitIntervalStaysInRange() {
        var g = SplitMix64(seed: 0)
        for _ in 0..<10_000 {
            let u = g.nextUnitInterval()
            #expect(u >= 0 && u < 1)
        }
    }
}
