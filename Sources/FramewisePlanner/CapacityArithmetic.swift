/// Back-of-the-envelope capacity arithmetic, the way teams work it out by hand before profiling.
///
/// Ratios: for stage latencies 4, 6 and 5 s, one instance of each stage does 15, 10 and 12 items
/// per minute (`throughputRatio`: 60/4 : 60/6 : 60/5, per-instance throughput over the least
/// common period). To *balance* a chain, instances must be proportional to latency, 4:6:5
/// (`instanceRatio`), the reciprocal of the throughput ratio. Deploying 15:10:12 instances would
/// give the slowest stage the fewest instances; that ratio is only the deployment ratio when the
/// inputs are per-instance throughputs rather than latencies.
public enum CapacityArithmetic {
    /// Seconds in a day.
    public static let secondsPerDay = 86_400.0

    /// Devices needed to process `itemsPerDay` items of `secondsPerItem` each, with
    /// `concurrentItemsPerDevice` items running at once on a device:
    /// `ceil(itemsPerDay * secondsPerItem / concurrentItemsPerDevice / 86400)`.
    /// 500,000 videos at 15 s, two per V100 -> 44; at 5 s -> 15; at 1.12 s, one per device -> 7.
    public static func devices(itemsPerDay: Double, secondsPerItem: Double,
                               concurrentItemsPerDevice: Double = 1) throws(PlannerError) -> Int {
        for (name, value) in [("itemsPerDay", itemsPerDay), ("secondsPerItem", secondsPerItem)]
        where !(value.isFinite && value >= 0) {
            throw .invalidArgument("\(name) \(value) must be finite and non-negative")
        }
        guard concurrentItemsPerDevice.isFinite, concurrentItemsPerDevice > 0 else {
            throw .invalidArgument("concurrentItemsPerDevice \(concurrentItemsPerDevice) must be positive")
        }
        let deviceSeconds = itemsPerDay * secondsPerItem / concurrentItemsPerDevice
        let devices = (deviceSeconds / secondsPerDay * (1 - Tolerance.relative)).rounded(.up)
        guard devices < Double(Int.max) else { throw .invalidArgument("device count overflows") }
        return Int(devices)
    }

    /// Device-seconds of work per day: `itemsPerDay * secondsPerItem / concurrentItemsPerDevice`.
    public static func deviceSecondsPerDay(itemsPerDay: Double, secondsPerItem: Double,
                                           concurrentItemsPerDevice: Double = 1) -> Double {
        itemsPerDay * secondsPerItem / concurrentItemsPerDevice
    }

    /// Instances per stage that balance a chain: proportional to stage latency, as the smallest
    /// integers at `resolution` seconds (4, 6, 5 s -> [4, 6, 5]).
    public static func instanceRatio(latencies: [Double], resolution: Double = 0.001) throws(PlannerError) -> [Int] {
        let units = try integerUnits(latencies, resolution: resolution)
        let divisor = units.reduce(0, gcd)
        return units.map { $0 / divisor }
    }

    /// Items per instance over the least common period of the latencies, as the smallest
    /// integers (4, 6, 5 s -> [15, 10, 12]: items per minute).
    public static func throughputRatio(latencies: [Double], resolution: Double = 0.001) throws(PlannerError) -> [Int] {
        let units = try integerUnits(latencies, resolution: resolution)
        var period = 1
        for unit in units {
            let (product, overflow) = (period / gcd(period, unit)).multipliedReportingOverflow(by: unit)
            guard !overflow else { throw .invalidArgument("latencies too fine-grained for an integer ratio") }
            period = product
        }
        let counts = units.map { period / $0 }
        let divisor = counts.reduce(0, gcd)
        return counts.map { $0 / divisor }
    }

    private static func integerUnits(_ latencies: [Double], resolution: Double) throws(PlannerError) -> [Int] {
        guard !latencies.isEmpty else { throw .invalidArgument("no latencies") }
        guard resolution.isFinite, resolution > 0 else { throw .invalidArgument("resolution \(resolution)") }
        var units: [Int] = []
        for latency in latencies {
            let scaled = (latency / resolution).rounded()
            guard latency.isFinite, latency > 0, scaled >= 1, scaled < 1e15 else {
                throw .invalidArgument("latency \(latency) s at resolution \(resolution) s")
            }
            units.append(Int(scaled))
        }
        return units
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
