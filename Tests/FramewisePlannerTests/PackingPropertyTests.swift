import FramewisePlanner
import Testing

@Suite("Packing properties")
struct PackingPropertyTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func plansMeetSLOsAndNeverUseMoreThanOneModelPerGPU(seed: UInt64) throws {
        let sessions = PlannerBenchmark.syntheticSessions(count: 40, seed: seed)
        let result = try SquishyBinPacker().pack(sessions)
        var alone = 0
        for (session, plan) in zip(sessions, result.sessions) {
            #expect(plan.worstCaseLatency <= session.slo + 1e-9, "\(session.id)")
            #expect(plan.predictedThroughput >= session.rate * (1 - 1e-9), "\(session.id)")
            alone += try SquishyBinPacker().pack([session]).gpuCount
        }
        #expect(result.gpuCount <= alone)
        for allocation in result.allocations {
            #expect(allocation.occupancy <= 1 + 1e-9)
            #expect(allocation.dutyCycle > 0)
        }
        // Every session's rate is covered by the devices listed for it.
        for session in sessions {
            let served = result.allocations.flatMap(\.sessions).filter { $0.sessionID == session.id }.reduce(0) { $0 + $1.rate }
            #expect(served >= session.rate * (1 - 1e-9), "\(session.id)")
        }
    }

    @Test(arguments: [LatencyStatistic.mean, .p99])
    func consolidationNeverAddsDevices(statistic: LatencyStatistic) throws {
        let sessions = PlannerBenchmark.syntheticSessions(count: 60, seed: 99)
        let without = try SquishyBinPacker(configuration: .init(statistic: statistic, consolidationPasses: 0)).pack(sessions)
        let with = try SquishyBinPacker(configuration: .init(statistic: statistic)).pack(sessions)
        #expect(with.gpuCount <= without.gpuCount)
    }
}
