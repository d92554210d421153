import ArgumentParser
import FramewiseCore
import FramewiseRuntime

/// How videos arrive and how many are admitted at once, shared by `run` and `bench`.
struct LoadOptions: ParsableArguments {
    @Option(help: "Submit the videos open loop at this rate: 2/s, 90/min, 500000/day, or a number per second (default: all at the start).")
    var rate: String?
    @Option(help: "Arrival process with --rate: poisson (exponential gaps) or uniform (evenly spaced).")
    var arrivals: ArrivalProcess.Kind = .poisson
    @Option(help: "Seed of the Poisson arrivals, for repeatable runs.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Cycle through the inputs until this many videos (default: the inputs once).") var videos: Int?
    @Option(name: .customLong("max-in-flight"), parsing: .unconditional,
            help: "Most videos admitted at once; the next is admitted when one finishes (default: twice the core count).")
    var maxInFlight: Int?
    @Option(name: .customLong("decode-slots"),
            help: "Admitted videos decoding at once, oldest first: 1 gives the lowest tail latency when inputs never stall (default: every admitted video).")
    var decodeSlots: Int?

    func validate() throws {
        if let v = videos, v < 1 { throw ValidationError("--videos must be at least 1, got \(v)") }
        if let m = maxInFlight, m < 1 { throw ValidationError("--max-in-flight must be at least 1, got \(m)") }
        if let d = decodeSlots, d < 1 { throw ValidationError("--decode-slots must be at least 1, got \(d)") }
        _ = try parsedRate()
    }

    /// Videos per second, if `--rate` was given.
    func parsedRate() throws -> Double? {
        guard let rate else { return nil }
        do {
            let r = try PlanningUnits.rate(rate)
            guard r > 0 else { throw ValidationError("--rate must be above 0, got '\(rate)'") }
            return r
        } catch let error as PlanningUnits.ParseError {
            throw ValidationError("--rate: \(error)")
        }
    }

    /// The inputs cycled to `--videos`.
    func cycled(_ list: [String]) -> [String] {
        guard let n = videos, !list.isEmpty else { return list }
        return (0..<n).map { list[$0 % list.count] }
    }

    /// Arrival times for `count` videos at `rate` (nil: all at the start).
    func arrivalTimes(count: Int, rate: Double?) throws -> [Double]? {
        guard let rate else { return nil }
        return try ArrivalProcess(rate: rate, kind: arrivals, seed: seed).times(count: count)
    }
}

extension ArrivalProcess.Kind: ExpressibleByArgument {}
