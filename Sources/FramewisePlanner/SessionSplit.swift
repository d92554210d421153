/// The saturate and residual steps for one session (see `SquishyBinPacker`).
struct SessionSplit: Sendable {
    let table: LatencyTable
    let saturatedGPUs: Int
    let saturatedBatch: Int
    let residual: ResidualLoad?

    init(session: SessionRequirement, table: LatencyTable) throws(PlannerError) {
        let model = session.profile.modelName
        guard session.rate.isFinite, session.rate >= 0 else { throw .invalidRate(model: model, rate: session.rate) }
        guard session.slo.isFinite, session.slo > 0 else { throw .invalidSLO(model: model, slo: session.slo) }
        guard let batch = table.saturateBatch(budget: session.slo) else {
            throw .sloBelowMinimumLatency(model: model, slo: session.slo, minimum: table.minimumPlannableLatency)
        }
        self.table = table
        self.saturatedBatch = batch
        let perGPU = Double(batch) / table.latency[batch]
        guard session.rate / perGPU < 1e12 else { throw .invalidRate(model: model, rate: session.rate) }
        var whole = Int((session.rate / perGPU + Tolerance.relative).rounded(.down))
        let rest = session.rate - Double(whole) * perGPU
        var residual: ResidualLoad?
        if rest > Tolerance.relative * max(1, session.rate) {
            residual = ResidualLoad(table: table, rate: rest, slo: session.slo)
            // No batch keeps a share of one device within the SLO: one more whole device, which
            // serves `perGPU > rest` req/s within the SLO, takes the remainder instead.
            if residual == nil { whole += 1 }
        }
        self.saturatedGPUs = whole
        self.residual = residual
    }
}

/// A residual rate on a share of a device: batch `b` every duty cycle `d`.
struct ResidualLoad: Sendable {
    /// Index of the session among all sessions (set by the merge state).
    var session: Int = -1
    let table: LatencyTable
    let rate: Double
    let slo: Double
    let batch: Int
    let dutyCycle: Double

    /// Nexus' residual step; nil when no batch fits a share of one device within the SLO.
    init?(table: LatencyTable, rate: Double, slo: Double) {
        let overhead = table.overhead
        for b in stride(from: table.maxBatch, through: 1, by: -1) {
            let l = table.latency[b]
            guard Double(b - 1) / rate + l + overhead <= slo + Tolerance.time else { continue }
            let d = min(slo - l - overhead, Double(b) / rate)
            guard d + Tolerance.time >= l else { continue }
            self.table = table
            self.rate = rate
            self.slo = slo
            self.batch = b
            self.dutyCycle = max(d, l)
            return
        }
        return nil
    }

    /// Busy fraction of its own device.
    var occupancy: Double { table.latency[batch] / dutyCycle }

    /// Batch size needed to keep up with the rate in duty cycle `d`.
    func batch(dutyCycle d: Double) -> Int {
        max(1, Int((d * rate - Tolerance.relative).rounded(.up)))
    }
}
