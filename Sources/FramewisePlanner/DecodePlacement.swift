/// Places the decode pseudo-stage (pure arithmetic, see `DecodePlan`).
enum DecodePlacement {
    /// On CPU workers: fill the idle share of the inference workers, most idle first, then add
    /// workers that only decode.
    static func onWorkers(_ cost: DecodeCost, rate: Double, allocations: [GPUAllocation]) -> DecodePlan {
        let needed = rate * cost.secondsPerVideo
        let idle = allocations.map { (worker: $0.index, cores: max(0, 1 - $0.occupancy)) }
            .sorted { $0.cores != $1.cores ? $0.cores > $1.cores : $0.worker < $1.worker }
        var remaining = needed
        var shares: [DecodeShare] = []
        for slot in idle where remaining > Tolerance.relative && slot.cores > Tolerance.relative {
            let take = min(slot.cores, remaining)
            shares.append(DecodeShare(worker: slot.worker, cores: take))
            remaining -= take
        }
        var dedicated = 0
        if remaining > Tolerance.relative {
            dedicated = Int((remaining - Tolerance.relative).rounded(.up))
            for k in 0..<dedicated {
                shares.append(DecodeShare(worker: allocations.count + k, cores: min(1, remaining - Double(k))))
            }
        }
        let available = idle.reduce(0) { $0 + $1.cores } + Double(dedicated)
        return DecodePlan(rate: rate, secondsPerVideo: cost.secondsPerVideo, framesPerVideo: cost.framesPerVideo,
                          cores: needed, countedInDevices: true, shares: shares, dedicatedWorkers: dedicated,
                          capacity: capacity(cores: available, cost: cost, rate: rate))
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
