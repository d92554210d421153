import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A broker that forgets (issue #15): consumer groups deleted under a worker. In the
/// `ClusterFaultTests` suite, so `make test` runs them on their own with the other worker-process tests.
extension ClusterFaultTests {
    @Test("consumer groups deleted mid-run: the worker recreates them (with a warning) and the run completes")
    func consumerGroupsRecreated() async throws {
        let harness = try await ClusterHarness()
        try harness.startWorker()
        let videos = try harness.videos(30)
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        _ = try await harness.waitForFinished(3)
        for topic in Self.topics {
            _ = try await harness.redis(RESPCommand("XGROUP", "DESTROY", "framewise:\(topic)", ClusterOptions.group))
        }
        #expect(await run.exitStatus(timeout: .seconds(120)) == 0, "\(harness.logs())")
        let results = try ClusterHarness.results(output)
        #expect(results.map { $0["video"] as? String ?? "" } == videos)
        #expect(results.allSatisfy { $0["status"] as? String == "ok" })
        #expect(harness.log("worker.log").contains("consumer group vanished"), "\(harness.logs())")
        // Made again: every topic has its group.
        for topic in Self.topics {
            let groups = try await harness.redis(RESPCommand("XINFO", "GROUPS", "framewise:\(topic)")).array ?? []
            #expect(groups.count == 1, "\(topic)")
        }
        await harness.stopWorkers()
    }
}
