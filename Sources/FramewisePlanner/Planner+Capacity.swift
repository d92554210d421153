extension Planner {
    /// The plan for the highest pipeline rate that fits on `devices` devices within `slo` (decoding
    /// included on CPU when `decode` is given), found by bisection between 0 and the rate at which
    /// the lower bound reaches `devices`; nil when not even a tiny rate fits.
    ///
    /// Packing is a heuristic, so the device count is not strictly monotone in the rate: the answer
    /// is the highest fitting rate bisection found, within `relativeTolerance` of the boundary.
    public func plan(pipeline: PlannerPipeline, slo: Double, device: PlannerDevice, devices: Int,
                     decode: DecodeCost? = nil, relativeTolerance: Double = 1e-4) throws(PlannerError) -> CapacityPlan? {
        guard devices >= 1 else { throw .invalidArgument("\(devices) devices: need at least 1") }
        guard relativeTolerance > 0, relativeTolerance < 1 else {
            throw .invalidArgument("relative tolerance \(relativeTolerance) must be in (0, 1)")
        }
        let unit = try plan(pipeline: pipeline, rate: 1, slo: slo, device: device, decode: decode)
        guard unit.lowerBound > 0 else { throw .invalidArgument("no stage of '\(pipeline.name)' costs device time; any rate fits") }
        var low = 0.0
        var high = Double(devices) / unit.lowerBound
        var best: CapacityPlan?
        if unit.deviceCount <= devices { best = unit }
        // The bound is reached exactly only when packing is perfect: start with the bound itself.
        let atBound = try plan(pipeline: pipeline, rate: high, slo: slo, device: device, decode: decode)
        if atBound.deviceCount <= devices { return atBound }
        while high - low > relativeTolerance * high {
            let mid = (low + high) / 2
            let candidate = try plan(pipeline: pipeline, rate: mid, slo: slo, device: device, decode: decode)
            if candidate.deviceCount <= devices {
                low = mid
                if mid > best?.rate ?? 0 { best = candidate }
            } else {
                high = mid
            }
        }
        return best
    }
}
