/// Places the decode pseudo-stage (pure arithmetic, see `DecodePlan`).
enum DecodePlacement {
    /// On `workers` CPU workers that the OS time-slices fairly: each gives `cores / workers` of its
    /// core to decoding; workers past the plan's inference workers only decode.
    static func spread(_ cost: DecodeCost, rate: Double, workers: Int, plan: CapacityPlan) -> DecodePlan {
        let needed = rate * cost.secondsPerVideo
        let share = workers > 0 ? needed / Double(workers) : 0
        let shares = share > 0 ? (0..<workers).map { DecodeShare(worker: $0, cores: share) } : []
        // CPU the models use: their busy time (at the slowed-down latencies) at the speed left to them.
        let inference = plan.allocations.reduce(0) { $0 + $1.occupancy } * (1 - share)
        return DecodePlan(rate: rate, secondsPerVideo: cost.secondsPerVideo, framesPerVideo: cost.framesPerVideo,
                          cores: needed, countedInDevices: true, shares: shares,
                          dedicatedWorkers: max(0, workers - plan.allocations.count),
                          capacity: capacity(cores: max(0, Double(workers) - inference), cost: cost, rate: rate))
    }

    /// Beside GPUs: `ceil(cores)` host cores.
    static func besideGPUs(_ cost: DecodeCost, rate: Double) -> DecodePlan {
        let needed = rate * cost.secondsPerVideo
        let cores = needed > Tolerance.relative ? Int((needed - Tolerance.relative).rounded(.up)) : 0
        return DecodePlan(rate: rate, secondsPerVideo: cost.secondsPerVideo, framesPerVideo: cost.framesPerVideo,
                          cores: needed, countedInDevices: false, shares: [], dedicatedWorkers: cores,
                          capacity: capacity(cores: Double(cores), cost: cost, rate: rate))
    }

    /// Videos per second `cores` decode; free decoding keeps up with any rate (reported as the rate).
    private static func capacity(cores: Double, cost: DecodeCost, rate: Double) -> Double {
        cost.secondsPerVideo > 0 ? cores / cost.secondsPerVideo : rate
    }
}
