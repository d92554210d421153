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

        public init(statistic: LatencyStatistic = .p99, segments: Int = 100, consolidationPasses: Int = 2) {
            self.statistic = statistic
            self.segments = segments
            self.consolidationPasses = consolidationPasses
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
    public func plan(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                     decode: DecodeCost? = nil) throws(PlannerError) -> CapacityPlan {
        try decode?.validate()
        var alone = try planModels(pipeline: pipeline, rate: rate, slo: slo, device: device, slowdown: 1)
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
                slowed = try planModels(pipeline: pipeline, rate: rate, slo: slo, device: device, slowdown: 1 / (1 - share))
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

    /// The models' plan with every latency `slowdown` times its profile's.
    private func planModels(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                            slowdown: Double) throws(PlannerError) -> CapacityPlan {
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
                stage: session.sessionID, model: session.modelName, rate: session.rate,
                latencyBudget: session.slo, batchSize: session.batchSize, instances: session.instances,
                devices: session.gpus, dutyCycle: session.dutyCycle,
                predictedThroughput: session.predictedThroughput, worstCaseLatency: session.worstCaseLatency,
                session: session))
            let table = try LatencyTable(
                profile: stageProfiles[i], statistic: configuration.statistic, memoryLimit: device.memoryBytes)
            lowerBound += session.rate / table.peakThroughput
        }
        let order = try StageGraph.topologicalOrder(parents: parents, names: pipeline.stages.map(\.name))
        let count = packing.gpuCount
        return CapacityPlan(
            device: device, rate: rate, slo: slo, rows: rows, allocations: packing.allocations, deviceCount: count,
            worstCaseLatency: StageGraph.longestPath(parents: parents, weights: rows.map(\.worstCaseLatency), order: order),
            lowerBound: lowerBound, gapToLowerBound: Double(count) - lowerBound,
            relativeGapToLowerBound: lowerBound > 0 ? Double(count) / lowerBound - 1 : 0,
            split: split, decode: nil)
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
