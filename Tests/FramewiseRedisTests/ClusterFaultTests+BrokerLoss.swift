import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A broker that forgets (issue #15): settings that can lose work, a worker started before
/// Redis, consumer groups deleted under a worker. In the
/// `ClusterFaultTests` suite, so `make test` runs them on their own with the other worker-process tests.
extension ClusterFaultTests {
    @Test("maxmemory-policy allkeys-lru: worker, run and status warn that eviction can lose work")
    func evictionPolicyWarning() async throws {
        let harness = try await ClusterHarness(appendOnly: true)
        _ = try await harness.redis(RESPCommand("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"))
        try harness.startWorker()
        #expect(await harness.waitForLog("worker.log", containing: "maxmemory-policy allkeys-lru: under memory pressure"), "\(harness.logs())")
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(try harness.videos(2), output: output)
        #expect(await run.exitStatus(timeout: .seconds(60)) == 0, "\(harness.logs())")
        #expect(harness.log("run.log").contains("warning: redis://127.0.0.1:\(harness.server.port): maxmemory-policy allkeys-lru"), "\(harness.logs())")
        // AOF is on: no warning about restarts.
        #expect(!harness.log("worker.log").contains("appendonly no"))
        let table = try harness.status().output
        #expect(table.contains("warning: maxmemory-policy allkeys-lru"), "\(table)")
        let json = try JSONSerialization.jsonObject(with: Data(try harness.status(["--json"]).output.utf8)) as? [String: Any]
        let redis = json?["redis"] as? [String: Any]
        #expect(redis?["maxmemory_policy"] as? String == "allkeys-lru" && redis?["appendonly"] as? String == "yes", "\(redis ?? [:])")
        #expect((redis?["warnings"] as? [String])?.count == 1)
        await harness.stopWorkers()
    }

    @Test("CONFIG disabled (renamed, as on managed Redis): status and workers say the settings could not be checked")
    func configDisabled() async throws {
        let harness = try await ClusterHarness(serverArguments: ["--rename-command", "CONFIG", ""])
        let table = try harness.status().output
        #expect(table.contains("could not check appendonly, save and maxmemory-policy"), "\(table)")
        #expect(table.contains("appendonly ?"))
        try harness.startWorker()
        #expect(await harness.waitForLog("worker.log", containing: "could not check appendonly"), "\(harness.logs())")
        await harness.stopWorkers()
    }

    @Test("a worker started before Redis is reachable waits, then serves")
    func workerWaitsForRedis() async throws {
        let harness = try await ClusterHarness(startServer: false)
        try harness.startWorker()
        #expect(await harness.waitForLog("worker.log", containing: "waiting for Redis"), "\(harness.logs())")
        try await harness.server.restart()
        let videos = try harness.videos(6)
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        #expect(await run.exitStatus(timeout: .seconds(90)) == 0, "\(harness.logs())")
        let results = try ClusterHarness.results(output)
        #expect(results.count == videos.count && results.allSatisfy { $0["status"] as? String == "ok" }, "\(harness.logs())")
        #expect(await harness.waitForLog("worker.log", containing: "answers; serving", timeout: .seconds(10)))
        await harness.stopWorkers()
    }

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
