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
    /// `rate * decode.secondsPerVideo` cores (no batching): on CPU workers it takes their idle share,
    /// then workers of its own, which count in `deviceCount`, the lower bound and the predicted
    /// capacity; on GPUs it is reported as CPU cores beside them (`CapacityPlan.decode`). Latencies
    /// (the SLO, budgets, worst cases) are counted from a decoded frame, as the engine measures them.
    public func plan(pipeline: PlannerPipeline, rate: Double, slo: Double, device: PlannerDevice,
                     decode: DecodeCost? = nil) throws(PlannerError) -> CapacityPlan {
        try decode?.validate()
        let parents = try pipeline.parentIndices()
        var splitter = LatencySplitter(
            slo: slo, segments: configuration.segments, statistic: configuration.statistic,
            deviceMemoryBytes: device.memoryBytes)
        var stageProfiles: [ModelProfile] = []
        for stage in pipeline.stages {
            let profile = try profiles.profile(model: stage.model, device: device.name)
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
        var count = packing.gpuCount
        var decodePlan: DecodePlan?
        if let decode {
            switch device.kind {
            case .cpu:
                let placed = DecodePlacement.onWorkers(decode, rate: rate, allocations: packing.allocations)
                count += placed.dedicatedWorkers
                lowerBound += placed.cores
                decodePlan = placed
            case .gpu:
                decodePlan = DecodePlacement.besideGPUs(decode, rate: rate)
            }
        }
        return CapacityPlan(
            device: device, rate: rate, slo: slo, rows: rows, allocations: packing.allocations, deviceCount: count,
            worstCaseLatency: StageGraph.longestPath(parents: parents, weights: rows.map(\.worstCaseLatency), order: order),
            lowerBound: lowerBound, gapToLowerBound: Double(count) - lowerBound,
            relativeGapToLowerBound: lowerBound > 0 ? Double(count) / lowerBound - 1 : 0,
            split: split, decode: decodePlan)
    }
}
