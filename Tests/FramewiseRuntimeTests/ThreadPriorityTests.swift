import FramewiseRuntime
import Testing

/// The engine's compute threads can run below normal priority (what `serve --engine-nice` and
/// `--engine-idle` set), under their own names.
@Suite struct ThreadPriorityTests {
    @Test func poolThreadsRunAtTheirNiceness() async throws {
        #if os(Linux)
        let base = try #require(ThreadPriority.currentNiceness)
        let lowered = BlockingPool(name: "nice-test", threads: 2, priority: ComputePriority(niceness: 5))
        let plain = BlockingPool(name: "plain-test", threads: 1)
        defer { lowered.shutdown(); plain.shutdown() }
        for _ in 0..<4 {
            #expect(try await lowered.run { ThreadPriority.currentNiceness } == min(19, base + 5))
            #expect(try await lowered.run { ThreadPriority.currentIsIdlePolicy } == false)
        }
        #expect(try await plain.run { ThreadPriority.currentNiceness } == base)
        // The calling thread is untouched.
        #expect(ThreadPriority.currentNiceness == base)
        #endif
    }

    @Test func idlePolicyAppliesToPoolThreadsOnly() async throws {
        #if os(Linux)
        let idle = BlockingPool(name: "idle-test", threads: 2, priority: ComputePriority(niceness: 3, idlePolicy: true))
        defer { idle.shutdown() }
        for _ in 0..<4 {
            #expect(try await idle.run { ThreadPriority.currentIsIdlePolicy })
        }
        #expect(!ThreadPriority.currentIsIdlePolicy)
        #endif
    }

    @Test func poolThreadsCarryTheirNames() async throws {
        #if os(Linux)
        let pool = BlockingPool(name: "named-pool", threads: 2)
        defer { pool.shutdown() }
        let names = Set(try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await pool.run { ThreadPriority.currentName } } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }.compactMap { $0 })
        #expect(!names.isEmpty)
        #expect(names.isSubset(of: ["named-pool-0", "named-pool-1"]))
        #endif
    }
}
