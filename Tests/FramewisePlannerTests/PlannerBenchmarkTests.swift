import FramewisePlanner
import Testing

@Suite("PlannerBenchmark")
struct PlannerBenchmarkTests {
    /// Reports the time to pack 1,000 sessions (target: under 1 s). No assertion on time.
    @Test func packThousandSessions() throws {
        let elapsed = try PlannerBenchmark.packSessions(count: 1000)
        print("PlannerBenchmark.packSessions(count: 1000): \(elapsed)")
        let result = try SquishyBinPacker().pack(PlannerBenchmark.syntheticSessions(count: 1000))
        print("  \(result.gpuCount) devices for 1000 sessions")
        #expect(result.sessions.count == 1000)
    }
}
