import FramewiseCore

/// Plans a pipeline's capacity: splits the SLO over the stages (`LatencySplitter`), packs every
/// stage's session onto devices (`SquishyBinPacker`) and reports per-model rows and a lower bound.
/// Pure: no I/O, no async.
public struct Planner: Sendable {
    /// Planning knobs.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Latency statistic (default p99: worst-case planning).
        public var statistic: LatencyStatistic
        /// Budget grid steps for the latency split.
        public var segments: Int
        /// Consolidation passes of the packer.
        public var consolidationPasses: Int
        /// Whether an input's requests arrive together (a video's frames) and the worst case adds
        /// the time they take to drain (`VideoBurst`); off: one by one, Nexus' model.
        public var videoBursts: Bool

        public init(statistic: LatencyStatistic = .p99, segments: Int = 100, consolidationPasses: Int = 2, videoBursts: Bool = true) {
            self.statistic = statistic
            self.segments = segments
            self.consolidationPasses = consolidationPasses
            self.videoBursts = videoBursts
        }
    }

    /// Profiles to plan with.
    public var profiles: ProfileCatalog
    /// Planning knobs.
    public var configuration: Configuration

    public init(profiles: ProfileCatalog, configuration: Configuration = .init()) {
        self.profiles = profiles
        self.configuration = configuration
    }

    /// The plan for `rate` pipeline inputs per second within `slo` seconds end to end on `device`.
    ///
    /// With `decode`, decoding is a pseudo-stage in front of the model stages costing
    /// `D = rate * decode.secondsPerVideo` cores (no batching). On CPU workers decoding runs on its
    /// own threads, which the OS time-slices fairly with the inference threads, so every one of the
    /// `W` workers gives `D / W` of its core to decoding and runs inference `1 / (1 - D / W)` times
    /// slower: the plan is the smallest `W` whose models, planned with latencies stretched by that
    /// factor, fit on `W` workers. Decoding thus counts in `deviceCount`, the lower bound (`+ D`),
    /// the rows' latencies and the predicted capacity. On GPUs it is reported as CPU cores beside
    /// them (`CapacityPlan.decode`). Latencies (the SLO, budgets, worst cases) are counted from a
    /// decoded frame, as the engine measures them.
    ///
    /// A video's frames reach the stages together, not one by one (`VideoBurst`): the plan's worst
    /// case adds the time they take to drain. When that does not fit, the models are planned
    /// within the SLO less a reserve for the burst, and for more throughput than the rate when the
    /// reserve alone cannot hold it (`Configuration.videoBursts` off: requests one by one).
    public func plan(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                     decode: DecodeCost? = nil) throws(PlannerError) -> CapacityPlan {
        try decode?.validate()
        guard configuration.videoBursts else {
            return try plan(pipeline: pipeline, rate: rate, slo: slo, device: device, decode: decode, headroom: 1, reserve: 0)
        }
        var reserve = 0.0
        var headroom = 1.0
        var burst = 0.0
        for _ in 0..<VideoBurst.maxSteps {
            let candidate: CapacityPlan
            do {
                candidate = try plan(pipeline: pipeline, rate: rate, slo: slo, device: device, decode: decode, headroom: headroom, reserve: reserve)
            } catch {
                // The reserve leaves the models too little of the SLO: keep less, serve the burst faster.
                guard case .sloBelowMinimumLatency = error, reserve > 0 else { throw error }
                reserve /= 2
                headroom *= 1.5
                continue
            }
            if candidate.worstCaseLatency <= slo * (1 + Tolerance.relative) { return candidate }
            burst = candidate.burst?.latency ?? 0
            let most = slo / 2
            if burst > reserve * (1 + Tolerance.relative) && reserve < most {
                reserve = min(burst, most)
            }
            if burst > reserve * (1 + Tolerance.relative) {
                // Draining takes longer than the reserve: more capacity shortens it about in proportion.
                headroom *= max(VideoBurst.headroomStep, burst / max(reserve, Tolerance.time))
            }
            guard headroom <= VideoBurst.maxHeadroom else { break }
        }
        throw .burstExceedsSLO(pipeline: pipeline.name, rate: rate, drain: burst, slo: slo)
    }

    /// One plan with the models planned for `headroom` times the rate within `slo - reserve`.
    private func plan(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                      decode: DecodeCost?, headroom: Double, reserve: Double) throws(PlannerError) -> CapacityPlan {
        var plan = try plan(pipeline: pipeline, rate: rate, slo: slo - reserve, device: device, decode: decode, headroom: headroom)
        plan.slo = slo
        plan.burst?.reserve = reserve
        return plan
    }

    /// One plan with the models planned for `headroom` times the rate.
    private func plan(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                      decode: DecodeCost?, headroom: Double) throws(PlannerError) -> CapacityPlan {
        var alone = try planModels(pipeline: pipeline, rate: rate, slo: slo, device: device, slowdown: 1,
                                   headroom: headroom, decode: decode)
        guard let decode else { return alone }
        let cores = rate * decode.secondsPerVideo
        guard device.kind == .cpu else {
            alone.decode = DecodePlacement.besideGPUs(decode, rate: rate)
            return alone
        }
        guard cores > Tolerance.relative else {
            alone.decode = DecodePlacement.spread(decode, rate: rate, workers: alone.deviceCount, plan: alone)
            return alone
        }
        let lowerBound = alone.lowerBound + cores
        let first = max(1, Int((lowerBound - Tolerance.relative).rounded(.up)))
        // Enough for any plan: past it every worker gives less than 1/1000 of its core to decoding.
        let last = max(first, alone.deviceCount) + Int((cores * 1000).rounded(.up)) + 1
        for workers in first...last {
            let share = cores / Double(workers)
            guard share < 1 - Tolerance.relative else { continue }
            var slowed: CapacityPlan
            do {
                slowed = try planModels(pipeline: pipeline, rate: rate, slo: slo, device: device, slowdown: 1 / (1 - share),
                                        headroom: headroom, decode: decode)
            } catch .sloBelowMinimumLatency {
                continue  // slowed down too much for the SLO: more workers, less decoding each
            }
            guard slowed.deviceCount <= workers else { continue }
            slowed.decode = DecodePlacement.spread(decode, rate: rate, workers: workers, plan: slowed)
            slowed.deviceCount = workers
            slowed.lowerBound = lowerBound
            slowed.gapToLowerBound = Double(workers) - lowerBound
            slowed.relativeGapToLowerBound = Double(workers) / lowerBound - 1
            return slowed
        }
        throw .invalidArgument("decoding \(cores) cores: no worker count up to \(last) fits '\(pipeline.name)'")
    }

    /// The models' plan with every latency `slowdown` times its profile's, sized for `headroom`
    /// times the rate; rows and the lower bound report the real rate.
    private func planModels(pipeline: PlannerPipeline, rate actualRate: Double, slo: Double, device: PlannerDevice,
                            slowdown: Double, headroom: Double, decode: DecodeCost?) throws(PlannerError) -> CapacityPlan {
        let rate = actualRate * headroom
        let parents = try pipeline.parentIndices()
        var splitter = LatencySplitter(
            slo: slo, segments: configuration.segments, statistic: configuration.statistic,
            deviceMemoryBytes: device.memoryBytes)
        var stageProfiles: [ModelProfile] = []
        for stage in pipeline.stages {
            let profile = try profiles.profile(model: stage.model, device: device.name).slowed(by: slowdown)
            stageProfiles.append(profile)
            splitter.addStage(name: stage.name, profile: profile, inputs: stage.inputs, rateMultiplier: stage.rateMultiplier)
        }
        let split = try splitter.split(rate: rate)
        var requirements: [SessionRequirement] = []
        for (i, stage) in pipeline.stages.enumerated() {
            requirements.append(SessionRequirement(
                id: stage.name, profile: stageProfiles[i], rate: split.budgets[i].rate, slo: split.budgets[i].budget))
        }
        let packer = SquishyBinPacker(configuration: .init(
            statistic: configuration.statistic, deviceMemoryBytes: device.memoryBytes,
            consolidationPasses: configuration.consolidationPasses))
        let packing = try packer.pack(requirements)
        var rows: [ModelPlanRow] = []
        var lowerBound = 0.0
        for (i, session) in packing.sessions.enumerated() {
            rows.append(ModelPlanRow(
                stage: session.sessionID, model: session.modelName, rate: session.rate / headroom,
                latencyBudget: session.slo, batchSize: session.batchSize, instances: session.instances,
                devices: session.gpus, dutyCycle: session.dutyCycle,
                predictedThroughput: session.predictedThroughput, worstCaseLatency: session.worstCaseLatency,
                session: session))
            let table = try LatencyTable(
                profile: stageProfiles[i], statistic: configuration.statistic, memoryLimit: device.memoryBytes)
            lowerBound += session.rate / headroom / table.peakThroughput
        }
        let order = try StageGraph.topologicalOrder(parents: parents, names: pipeline.stages.map(\.name))
        let count = packing.gpuCount
        let steady = StageGraph.longestPath(parents: parents, weights: rows.map(\.worstCaseLatency), order: order)
        let burst = configuration.videoBursts
            ? VideoBurst(stages: pipeline.stages, rows: rows, decodeSeconds: decode?.secondsPerVideo ?? 0, headroom: headroom) : nil
        return CapacityPlan(
            device: device, rate: actualRate, slo: slo, rows: rows, allocations: packing.allocations, deviceCount: count,
            worstCaseLatency: steady + (burst?.latency ?? 0),
            lowerBound: lowerBound, gapToLowerBound: Double(count) - lowerBound,
            relativeGapToLowerBound: lowerBound > 0 ? Double(count) / lowerBound - 1 : 0,
            split: split, decode: nil, burst: burst)
    }
}

extension ModelProfile {
    /// This profile with every latency and per-item overhead `factor` times longer.
    func slowed(by factor: Double) -> ModelProfile {
        guard factor != 1 else { return self }
        var copy = self
        copy.entries = entries.map { e in
            var f = e
            f.latencyMean *= factor
            f.latencyStd *= factor
            f.latencyP99 *= factor
            return f
        }
        copy.preprocessSeconds *= factor
        copy.postprocessSeconds *= factor
        return copy
    }
}
