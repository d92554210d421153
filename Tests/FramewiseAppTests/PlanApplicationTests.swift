import FramewiseApp
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import Testing

/// A capacity plan's stages reach the streaming engine's configuration.
@Suite struct PlanApplicationTests {
    static let stages = ["nsfw", "faces"]

    /// A real plan from the planner for two parallel stages with hand-made profiles.
    static func plan(rate: Double) throws -> CapacityPlan {
        func profile(_ name: String, perItem: Double) -> ModelProfile {
            ModelProfile(modelName: name, deviceName: "cpu", entries: [1, 2, 4, 8].map {
                BatchProfile(batchSize: $0, latencyMean: 0.002 + perItem * Double($0))
            }, intraOpThreads: 1)
        }
        let planner = Planner(profiles: ProfileCatalog([profile("nsfw", perItem: 0.010), profile("faces", perItem: 0.005)]))
        let pipeline = PlannerPipeline(name: "m", stages: [PlannerStage(name: "nsfw", model: "nsfw", rateMultiplier: 10),
                                                           PlannerStage(name: "faces", model: "faces", rateMultiplier: 10)])
        return try planner.plan(pipeline: pipeline, rate: rate, slo: 2, device: PlannerDevice(name: "cpu", kind: .cpu))
    }

    @Test func instancesBatchesBudgetsAndWorkersReachTheConfiguration() throws {
        let plan = try Self.plan(rate: 20)
        let base = EngineConfiguration(workerThreads: 8, instancesPerStage: 1)
        let config = try base.applying(plan: plan.rows, workers: plan.deviceCount, pipelineStages: Self.stages)
        for row in plan.rows {
            let applied = try #require(config.stages[row.stage])
            #expect(applied.instances == max(1, row.instances))
            #expect(applied.batchLimit == (row.batchSize > 0 ? row.batchSize : nil))
            #expect(abs((applied.budget?.seconds ?? 0) - row.latencyBudget) < 1e-6)
            #expect(config.instances(of: row.stage) == max(1, row.instances))
        }
        #expect(plan.rows.contains { $0.instances > 1 }, "the rate needs more than one instance somewhere: \(plan.rows.map(\.instances))")
        #expect(config.workerThreads == plan.deviceCount)
        #expect(config.decoders == base.decoders, "the rest is untouched")
    }

    @Test func withoutADeviceCountWorkerThreadsStay() throws {
        let plan = try Self.plan(rate: 1)
        let config = try EngineConfiguration(workerThreads: 4).applying(plan: plan.rows, workers: nil, pipelineStages: Self.stages)
        #expect(config.workerThreads == 4)
    }

    @Test func mismatchedPlansAreRejected() throws {
        let plan = try Self.plan(rate: 1)
        #expect(throws: PlanApplicationError.self) {
            try EngineConfiguration().applying(plan: plan.rows, workers: 1, pipelineStages: ["ocr"])
        }
        #expect(throws: PlanApplicationError.self) {
            try EngineConfiguration().applying(plan: plan.rows, workers: 0, pipelineStages: Self.stages)
        }
    }
}

/// The plan's latency split reaches each stage as its budget (Nexus' per-stage deadlines).
@Suite struct PlanBudgetTests {
    @Test func aPlansBudgetsBecomeStageBudgets() throws {
        let plan = try PlanApplicationTests.plan(rate: 5)
        let config = try EngineConfiguration().applying(plan: plan.rows, workers: nil, pipelineStages: PlanApplicationTests.stages)
        #expect(plan.rows.allSatisfy { $0.latencyBudget > 0 && $0.latencyBudget <= plan.slo })
        for row in plan.rows { #expect(config.stages[row.stage]?.budget == .microseconds(Int64(row.latencyBudget * 1e6))) }
    }
}
