import FramewiseCore
import FramewisePlanner
import Testing

@Suite("SquishyBinPacker")
struct SquishyBinPackerTests {
    struct Single: Sendable, CustomTestStringConvertible {
        var model: String
        var rate: Double
        var slo: Double
        var saturatedGPUs: Int
        var saturatedBatch: Int?
        var residualBatch: Int?
        var residualDutyCycle: Double?
        var worstCase: Double
        var gpus: Int
        var testDescription: String { "\(model) at \(rate) req/s, SLO \(slo)" }
    }

    static let singles: [Single] = [
        // Nexus: A within 200 ms saturates at batch 16 (100 ms), 160 req/s per GPU.
        Single(model: "A", rate: 160, slo: 0.2, saturatedGPUs: 1, saturatedBatch: 16, worstCase: 0.2, gpus: 1),
        Single(model: "A", rate: 320, slo: 0.2, saturatedGPUs: 2, saturatedBatch: 16, worstCase: 0.2, gpus: 2),
        // Nexus: A at 64 req/s: batch 8 in a 125 ms duty cycle, worst case 125 + 75 = 200 ms.
        Single(model: "A", rate: 64, slo: 0.2, saturatedGPUs: 0, residualBatch: 8, residualDutyCycle: 0.125,
               worstCase: 0.2, gpus: 1),
        // 160 saturated + 64 residual.
        Single(model: "A", rate: 224, slo: 0.2, saturatedGPUs: 1, saturatedBatch: 16, residualBatch: 8,
               residualDutyCycle: 0.125, worstCase: 0.2, gpus: 2),
        // B alone at 32 req/s within 250 ms: batch 6 (70 ms interpolated), d = min(180, 187.5) ms.
        Single(model: "B", rate: 32, slo: 0.25, saturatedGPUs: 0, residualBatch: 6, residualDutyCycle: 0.18,
               worstCase: 0.25, gpus: 1),
    ]

    @Test(arguments: singles)
    func saturateAndResidual(_ row: Single) throws {
        let result = try SquishyBinPacker().pack([SessionRequirement(profile: Nexus.named(row.model), rate: row.rate, slo: row.slo)])
        let plan = try #require(result.sessions.first)
        #expect(plan.saturatedGPUs == row.saturatedGPUs)
        #expect(plan.saturatedBatchSize == row.saturatedBatch)
        #expect(plan.residual?.batchSize == row.residualBatch)
        #expect(close(plan.residual?.dutyCycle ?? -1, row.residualDutyCycle ?? -1))
        #expect(close(plan.worstCaseLatency, row.worstCase))
        #expect(result.gpuCount == row.gpus)
        #expect(plan.predictedThroughput >= row.rate - 1e-9)
        if row.saturatedGPUs > 0 { #expect(close(plan.throughputPerSaturatedGPU, 160)) }
    }

    struct Merge: Sendable, CustomTestStringConvertible {
        var other: String
        var gpus: Int
        var otherBatch: Int
        var otherDutyCycle: Double
        var otherWorstCase: Double
        var testDescription: String { "A(64 req/s, 200 ms) + \(other)(32 req/s, 250 ms)" }
    }

    static let merges: [Merge] = [
        // B at batch 4 (50 ms) fits in A's 125 ms cycle: 75 + 50 <= 125; worst case 175 ms < 250.
        Merge(other: "B", gpus: 1, otherBatch: 4, otherDutyCycle: 0.125, otherWorstCase: 0.175),
        // C at batch 4 (60 ms) does not: 75 + 60 > 125; it keeps its own GPU.
        Merge(other: "C", gpus: 2, otherBatch: 6, otherDutyCycle: 0.1725, otherWorstCase: 0.25),
    ]

    @Test(arguments: merges)
    func nexusMergeExample(_ row: Merge) throws {
        let result = try SquishyBinPacker().pack([
            SessionRequirement(profile: Nexus.a, rate: 64, slo: 0.2),
            SessionRequirement(profile: Nexus.named(row.other), rate: 32, slo: 0.25),
        ])
        #expect(result.gpuCount == row.gpus)
        let a = try #require(result.sessions[0].residual)
        #expect(a.batchSize == 8)
        #expect(close(a.dutyCycle, 0.125))
        #expect(close(a.worstCaseLatency, 0.2))
        let other = try #require(result.sessions[1].residual)
        #expect(other.batchSize == row.otherBatch)
        #expect(close(other.dutyCycle, row.otherDutyCycle))
        #expect(close(other.worstCaseLatency, row.otherWorstCase))
        for allocation in result.allocations { #expect(allocation.occupancy <= 1 + 1e-9) }
        if row.gpus == 1 {
            #expect(close(result.allocations[0].occupancy, 1))
            #expect(result.allocations[0].sessions.map(\.sessionID) == ["A", "B"])
        }
    }

    @Test func memoryLimitKeepsSessionsApart() throws {
        // A at batch 8 needs 800 bytes, B at batch 4 needs 400: 1,000 bytes cannot hold both.
        let packer = SquishyBinPacker(configuration: .init(deviceMemoryBytes: 1000))
        let result = try packer.pack([
            SessionRequirement(profile: Nexus.a, rate: 64, slo: 0.2),
            SessionRequirement(profile: Nexus.b, rate: 32, slo: 0.25),
        ])
        #expect(result.gpuCount == 2)
        for allocation in result.allocations {
            #expect(allocation.sessions.reduce(0) { $0 + $1.memoryBytes } <= 1000)
        }
    }

    @Test func zeroRateUsesNoDevice() throws {
        let result = try SquishyBinPacker().pack([SessionRequirement(profile: Nexus.a, rate: 0, slo: 0.2)])
        #expect(result.gpuCount == 0)
        #expect(result.sessions[0].instances == 0)
    }

    static let invalid: [(SessionRequirement, PlannerError)] = [
        (SessionRequirement(profile: Nexus.a, rate: 10, slo: 0.09),
         .sloBelowMinimumLatency(model: "A", slo: 0.09, minimum: 0.1)),
        (SessionRequirement(profile: Nexus.a, rate: -1, slo: 0.2), .invalidRate(model: "A", rate: -1)),
        (SessionRequirement(profile: Nexus.a, rate: 1, slo: 0), .invalidSLO(model: "A", slo: 0)),
        (SessionRequirement(profile: Nexus.a, rate: 1e300, slo: 1), .invalidRate(model: "A", rate: 1e300)),
        (SessionRequirement(profile: Nexus.a, rate: .infinity, slo: 1), .invalidRate(model: "A", rate: .infinity)),
        (SessionRequirement(profile: ModelProfile(modelName: "e", deviceName: "d", entries: []), rate: 1, slo: 1),
         .emptyProfile(model: "e")),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidInput(_ session: SessionRequirement, _ error: PlannerError) {
        #expect(throws: error) { try SquishyBinPacker().pack([session]) }
    }

    @Test func rejectsDuplicateIDs() {
        let session = SessionRequirement(profile: Nexus.a, rate: 1, slo: 1)
        #expect(throws: PlannerError.invalidArgument("session id 'A' appears twice")) {
            try SquishyBinPacker().pack([session, session])
        }
    }
}
