import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A broker that forgets (issue #15): Redis without persistence restarted mid-run, FLUSHALL,
/// settings that can lose work, a worker started before Redis, consumer groups deleted, and
/// frames left by jobs that are gone. In the `ClusterFaultTests` suite, so `make test` runs them
/// on their own with the other worker-process tests.
extension ClusterFaultTests {
    /// How Redis loses the data of a run in flight.
    enum DataLoss: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case restartWithoutPersistence, flushAll

        var testDescription: String { rawValue }

        func inflict(on harness: ClusterHarness) async throws {
            switch self {
            case .restartWithoutPersistence: try await harness.server.restart()
            case .flushAll: _ = try await harness.redis(RESPCommand("FLUSHALL"))
            }
        }
    }

    @Test("Redis loses its data mid-run: the run re-submits the unfinished videos once; one result per video, equal to one process's",
          arguments: DataLoss.allCases)
    func brokerDataLossResubmits(_ loss: DataLoss) async throws {
        let harness = try await ClusterHarness(appendOnly: false)
        let videos = try harness.videos(40)
        let reference = try await harness.reference(Array(Set(videos)).sorted())
        try harness.startWorker()
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        let before = try await harness.waitForFinished(5)
        try await loss.inflict(on: harness)
        let status = await run.exitStatus(timeout: .seconds(120))
        #expect(status == 0, "run exit\n\(harness.logs())")
        #expect(before < videos.count, "lost mid-run, after \(before) videos")
        Self.check(try ClusterHarness.results(output), videos: videos, reference: reference, harness: harness)
        let lines = harness.log("run.log").split(separator: "\n").filter { $0.contains("re-submitted") }
        #expect(lines.count == 1, "one line says what happened: \(lines)")
        #expect(lines.first?.contains("unfinished of \(videos.count) videos as epoch 2") == true, "\(lines)")
        #expect(lines.first?.contains("Redis restarted without persistence") == true, "names the likely cause: \(lines)")
        // The run forgot its job and swept the frames of both epochs.
        #expect(try await harness.redis(RESPCommand("SCARD", "framewise:jobs")).int == 0)
        #expect(Self.fileCount(harness.framesDirectory) == 0)
        // The worker noticed its consumer groups were gone and said so.
        #expect(harness.log("worker.log").contains("consumer group vanished"), "\(harness.logs())")
        await harness.stopWorkers()
    }

    @Test("Redis loses its data mid-run with --on-broker-loss fail: a non-zero exit within 10 s naming the likely cause",
          arguments: DataLoss.allCases)
    func brokerDataLossFails(_ loss: DataLoss) async throws {
        let harness = try await ClusterHarness(appendOnly: false)
        try harness.startWorker()
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(try harness.videos(40), output: output, arguments: ["--on-broker-loss", "fail"])
        _ = try await harness.waitForFinished(3)
        let lost = ContinuousClock.now
        try await loss.inflict(on: harness)
        let status = await run.exitStatus(timeout: .seconds(10))
        let took = ContinuousClock.now - lost
        #expect(status != nil && status != 0, "exit \(String(describing: status)) within 10 s\n\(harness.logs())")
        #expect(took < .seconds(10))
        let log = harness.log("run.log")
        #expect(log.contains("the broker lost the state of job") && log.contains("Redis restarted without persistence"), "\(log)")
        #expect(!log.contains("re-submitted"))
        if status == nil { run.send(SIGKILL) }
        await harness.stopWorkers()
    }

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

    @Test("a worker started before Redis is reachable exits 1 at once naming it; once connected, it waits out a restart")
    func workerFailsFastWithoutRedis() async throws {
        let harness = try await ClusterHarness(startServer: false)
        let early = try harness.startWorker()
        #expect(await early.exitStatus(timeout: .seconds(30)) == 1, "\(harness.logs())")
        #expect(harness.log("worker.log").contains("error: cannot reach Redis at \(harness.server.url)"), "\(harness.logs())")
        try await harness.server.restart()
        try harness.startWorker()
        let videos = try harness.videos(6)
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        #expect(await run.exitStatus(timeout: .seconds(90)) == 0, "\(harness.logs())")
        let results = try ClusterHarness.results(output)
        #expect(results.count == videos.count && results.allSatisfy { $0["status"] as? String == "ok" }, "\(harness.logs())")
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
        #expect(!harness.log("run.log").contains("re-submitted"), "the job's state was intact: nothing re-submitted")
        await harness.stopWorkers()
    }

    @Test("frames of jobs Redis no longer has are swept by workers after the grace period; status shows the folder's size")
    func orphanFramesSwept() async throws {
        let harness = try await ClusterHarness()
        let frames = harness.framesDirectory
        // A job that is gone, untouched for an hour; another gone one written just now (within the grace period).
        let old = frames.appendingPathComponent("deadbeef/1/0")
        let fresh = frames.appendingPathComponent("cafe0001/1/0")
        for folder in [old, fresh] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(count: 1000).write(to: folder.appendingPathComponent("0.frame"))
        }
        let hourAgo = Date().addingTimeInterval(-3600)
        for path in [old, old.deletingLastPathComponent(), old.deletingLastPathComponent().deletingLastPathComponent()] {
            try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: path.path)
        }
        let before = try JSONSerialization.jsonObject(with: Data(try harness.status(["--json"]).output.utf8)) as? [String: Any]
        let usage = before?["frames"] as? [String: Any]
        #expect(usage?["files"] as? Int == 2 && usage?["bytes"] as? Int == 2000, "\(usage ?? [:])")
        #expect(try harness.status().output.contains("frames folder \(frames.path): 2 frames"))

        try harness.startWorker(["--orphan-grace", "10m"])
        let deadline = ContinuousClock.now + .seconds(30)
        while FileManager.default.fileExists(atPath: frames.appendingPathComponent("deadbeef").path), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!FileManager.default.fileExists(atPath: frames.appendingPathComponent("deadbeef").path), "swept\n\(harness.logs())")
        #expect(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("0.frame").path), "kept within the grace period")
        await harness.stopWorkers()
    }
}
