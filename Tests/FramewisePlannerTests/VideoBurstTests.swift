import FramewiseCore
import FramewisePlanner
import Testing

/// A video's frames reach the stages together: the plan's worst case adds the time they take to drain.
@Suite("Video bursts in plans")
struct VideoBurstTests {
    /// 0.1 s at batch 1, 0.2 s at batch 4: 20 items/s per worker at batch 4.
    static let profile = ModelProfile(modelName: "m", deviceName: "cpu-test", entries: [
        BatchProfile(batchSize: 1, latencyMean: 0.1), BatchProfile(batchSize: 4, latencyMean: 0.2),
    ])
    static let cpu = PlannerDevice(name: "cpu-test", kind: .cpu)
    static let planner = Planner(profiles: ProfileCatalog([profile]))
    static func pipeline(framesPerVideo: Double) -> PlannerPipeline {
        PlannerPipeline(name: "one", stages: [PlannerStage(name: "s", model: "m", rateMultiplier: framesPerVideo)])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var framesPerVideo: Double
        var rate: Double
        var decodeSeconds: Double?
        /// (k - 1) / capacity - decode seconds, floored at 0.
        var expectedBurst: Double
        var testDescription: String { "\(framesPerVideo) frames, \(rate)/s, decode \(decodeSeconds ?? 0) s" }
    }

    @Test(arguments: [
        // One request per input: nothing to drain, the steady worst case as before.
        Case(framesPerVideo: 1, rate: 40, decodeSeconds: nil, expectedBurst: 0),
        // 40 items/s on 2 saturated workers at batch 4 (capacity 40/s): 9 frames behind the first.
        Case(framesPerVideo: 10, rate: 4, decodeSeconds: nil, expectedBurst: 9.0 / 40),
        // Decoding spreads them over 0.1 s of the 0.225 s they take to drain.
        Case(framesPerVideo: 10, rate: 4, decodeSeconds: 0.1, expectedBurst: -1),
        // Decoding slower than the stage serves: the frames never queue behind each other.
        Case(framesPerVideo: 10, rate: 3, decodeSeconds: 0.5, expectedBurst: 0),
    ])
    func burstAddsDrainTime(_ c: Case) throws {
        let decode = c.decodeSeconds.map { DecodeCost(secondsPerVideo: $0, framesPerVideo: c.framesPerVideo) }
        let plan = try Self.planner.plan(pipeline: Self.pipeline(framesPerVideo: c.framesPerVideo), rate: c.rate, slo: 1,
                                         device: Self.cpu, decode: decode)
        let burst = try #require(plan.burst)
        let row = try #require(plan.rows.first)
        let expected = c.expectedBurst >= 0 ? c.expectedBurst
            : max(0, (c.framesPerVideo - 1) / row.predictedThroughput - (c.decodeSeconds ?? 0))
        #expect(abs(burst.latency - expected) < 1e-9)
        #expect(abs(plan.worstCaseLatency - (row.worstCaseLatency + burst.latency)) < 1e-9)
        #expect(burst.headroom == 1)
        #expect(plan.worstCaseLatency <= 1 + 1e-9)
        #expect(burst.stage == (c.framesPerVideo > 1 ? "s" : nil))
    }

    /// An SLO the steady worst case meets but the burst does not: the models are planned within
    /// the SLO less a reserve for the burst.
    @Test func theBurstGetsAReserveOfTheSLO() throws {
        let plan = try Self.planner.plan(pipeline: Self.pipeline(framesPerVideo: 10), rate: 4, slo: 0.5, device: Self.cpu)
        let burst = try #require(plan.burst)
        // Without the burst: 2 workers at batch 4, 0.4 s steady + 0.225 s to drain > 0.5 s.
        #expect(plan.worstCaseLatency <= 0.5 + 1e-9)
        #expect(burst.reserve > 0 && burst.latency <= burst.reserve + 1e-9)
        #expect(plan.deviceCount > 2)
        #expect(plan.slo == 0.5)
        let row = try #require(plan.rows.first)
        #expect(row.worstCaseLatency <= 0.5 - burst.reserve + 1e-9)
    }

    /// An SLO so tight that no reserve holds the burst at the rate's capacity: the models get headroom.
    @Test func tightSLOPlansHeadroom() throws {
        let plan = try Self.planner.plan(pipeline: Self.pipeline(framesPerVideo: 10), rate: 4, slo: 0.3, device: Self.cpu)
        let burst = try #require(plan.burst)
        #expect(plan.worstCaseLatency <= 0.3 + 1e-9)
        #expect(burst.headroom > 1)
        let row = try #require(plan.rows.first)
        #expect(abs(row.rate - 40) < 1e-9)  // rows report the real rate
        #expect(row.predictedThroughput >= 40 * burst.headroom - 1e-9)
        #expect(plan.rate == 4)
        #expect(plan.lowerBound == 2)  // the bound is for the real rate
    }

    /// No room at all for the burst (the SLO is the least the model can be planned for): refused with the reason.
    @Test func unfittableBurstIsRefused() {
        #expect {
            _ = try Self.planner.plan(pipeline: Self.pipeline(framesPerVideo: 10), rate: 1, slo: 0.2, device: Self.cpu)
        } throws: { error in
            "\(error)".contains("burst") && "\(error)".contains("SLO")
        }
    }

    /// Off, the planner is Nexus' as before: requests one by one.
    @Test func offMeansRequestsOneByOne() throws {
        let planner = Planner(profiles: ProfileCatalog([Self.profile]), configuration: .init(videoBursts: false))
        let plan = try planner.plan(pipeline: Self.pipeline(framesPerVideo: 10), rate: 4, slo: 0.5, device: Self.cpu)
        #expect(plan.deviceCount == 2)
        #expect(abs(plan.worstCaseLatency - 0.4) < 1e-9)
    }
}
