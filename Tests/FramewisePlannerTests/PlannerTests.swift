import FramewiseCore
import Foundation
import FramewisePlanner
import Testing

@Suite("Planner")
struct PlannerTests {
    static let catalog = ProfileCatalog([Nexus.a, Nexus.b, Nexus.c])
    static let device = PlannerDevice(name: "GPU")
    /// Detector per frame, then a face model on 3 crops per frame, and a scene model alongside.
    static let pipeline = PlannerPipeline(name: "faces", stages: [
        PlannerStage(name: "detect", model: "hash-A"),
        PlannerStage(name: "faces", model: "B", inputs: ["detect"], rateMultiplier: 3),
        PlannerStage(name: "scene", model: "C", inputs: ["detect"], rateMultiplier: 0.5),
    ])

    @Test(arguments: [(10.0, 0.6), (64.0, 0.5), (250.0, 0.8), (1000.0, 1.0)])
    func planMeetsSLOAndBound(rate: Double, slo: Double) throws {
        let plan = try Planner(profiles: Self.catalog).plan(pipeline: Self.pipeline, rate: rate, slo: slo, device: Self.device)
        #expect(plan.rows.map(\.stage) == ["detect", "faces", "scene"])
        #expect(plan.worstCaseLatency <= slo + 1e-9)
        #expect(Double(plan.deviceCount) >= plan.lowerBound - 1e-9)
        #expect(close(plan.gapToLowerBound, Double(plan.deviceCount) - plan.lowerBound))
        #expect(plan.deviceCount == plan.allocations.count)
        for row in plan.rows {
            #expect(row.worstCaseLatency <= row.latencyBudget + 1e-9)
            #expect(row.predictedThroughput >= row.rate * (1 - 1e-9))
            #expect(row.batchSize >= 1)
        }
        // Never more devices than giving every stage its own.
        let alone = plan.rows.reduce(0) { $0 + $1.session.saturatedGPUs + ($1.session.residual == nil ? 0 : 1) }
        #expect(plan.deviceCount <= alone)
    }

    @Test func lowerBoundIsRateOverPeakThroughput() throws {
        let single = PlannerPipeline(stages: [PlannerStage(name: "a", model: "A")])
        let plan = try Planner(profiles: Self.catalog).plan(pipeline: single, rate: 320, slo: 0.2, device: Self.device)
        #expect(plan.deviceCount == 2)
        #expect(close(plan.lowerBound, 2))  // A peaks at 16 / 100 ms = 160 req/s
        #expect(close(plan.gapToLowerBound, 0))
        #expect(plan.rows[0].batchSize == 16)
        #expect(close(plan.rows[0].dutyCycle, 0.1))
    }

    @Test func planRoundTripsThroughJSON() throws {
        let plan = try Planner(profiles: Self.catalog).plan(pipeline: Self.pipeline, rate: 40, slo: 0.6, device: Self.device)
        let decoded = try JSONDecoder().decode(CapacityPlan.self, from: JSONEncoder().encode(plan))
        #expect(decoded == plan)
    }

    @Test func cpuWorkersPlanTheSameWay() throws {
        let cpu = ModelProfile(modelName: "ocr", deviceName: "cpu-4c", entries: [
            BatchProfile(batchSize: 1, latencyMean: 0.2), BatchProfile(batchSize: 2, latencyMean: 0.35),
        ])
        let plan = try Planner(profiles: ProfileCatalog([cpu])).plan(
            pipeline: PlannerPipeline(stages: [PlannerStage(name: "ocr", model: "ocr")]),
            rate: 20, slo: 1, device: PlannerDevice(name: "cpu-4c", kind: .cpu))
        // 2 / 0.35 s = 5.71 items/s per worker: 3 saturated workers and a shared remainder.
        #expect(plan.device.kind == .cpu)
        #expect(plan.deviceCount == 4)
        #expect(plan.worstCaseLatency <= 1)
    }

    @Test(arguments: [
        (PlannerPipeline(stages: [PlannerStage(name: "x", model: "missing")]), 1.0, PlannerError.missingProfile(model: "missing", device: "GPU")),
        (PlannerPipeline(stages: []), 1.0, .invalidPipeline(reason: "no stages")),
        (PlannerPipeline(stages: [PlannerStage(name: "a", model: "A")]), 0.05,
         .sloBelowMinimumLatency(model: "pipeline", slo: 0.05, minimum: 0.1)),
    ])
    func rejectsInvalidInput(pipeline: PlannerPipeline, slo: Double, error: PlannerError) {
        #expect(throws: error) {
            try Planner(profiles: Self.catalog).plan(pipeline: pipeline, rate: 10, slo: slo, device: Self.device)
        }
    }
}
