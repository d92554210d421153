import FramewiseRuntime
import Testing

/// The engine's compute threads can run below normal priority (what `serve --engine-nice` sets).
@Suite struct ThreadPriorityTests {
    @Test func poolThreadsRunAtTheirNiceness() async throws {
        #if os(Linux)
        let base = try #require(ThreadPriority.currentNiceness)
        let lowered = BlockingPool(name: "nice-test", threads: 2, niceness: 5)
        let plain = BlockingPool(name: "plain-test", threads: 1)
        defer { lowered.shutdown(); plain.shutdown() }
        for _ in 0..<4 {
            #expect(try await lowered.run { ThreadPriority.currentNiceness } == min(19, base + 5))
        }
        #expect(try await plain.run { ThreadPriority.currentNiceness } == base)
        // The calling thread is untouched.
        #expect(ThreadPriority.currentNiceness == base)
        #endif
    }
}
