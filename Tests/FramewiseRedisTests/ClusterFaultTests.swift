import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The distributed mode as it is deployed: real `framewise worker` processes and a real
/// `framewise run --broker redis://...` against a redis-server started here, with faults.
@Suite("Distributed runs with faults", .serialized)
struct ClusterFaultTests {
    static let topics = ["synthetic.decode", "synthetic.stage.left", "synthetic.stage.right", "synthetic.stage.head"]

    /// Results must equal the in-process engine's, one per submitted video, in input order.
    static func check(_ results: [[String: Any]], videos: [String], reference: [String: [String: Any]], harness: ClusterHarness,
                      failing: Set<Int> = []) {
        #expect(results.count == videos.count, "one result per video\n\(harness.logs())")
        #expect(results.map { $0["video"] as? String ?? "" } == videos, "input order, no duplicates")
        for (i, r) in results.enumerated() where i < videos.count && !failing.contains(i) {
            #expect(r["status"] as? String == "ok", "video \(i): \(r["error"] ?? "")")
            let expected = reference[videos[i]]
            #expect(ClusterHarness.same(r["frames"], expected?["frames"]), "frames of video \(i) (\(videos[i]))")
            #expect(ClusterHarness.same(r["summary"], expected?["summary"]), "summary of video \(i)")
            #expect((r["frames"] as? [Any])?.isEmpty == false)
        }
    }

    /// Unacked messages held by consumers of process `pid`, over every topic.
    static func held(by pid: pid_t, harness: ClusterHarness) async throws -> Int {
        var count = 0
        for topic in topics {
            let reply = try await harness.redis(RESPCommand("XPENDING", "framewise:\(topic)", ClusterOptions.group, "-", "+", 10_000))
            for row in reply.array ?? [] {
                if let consumer = row.array?[1].string, consumer.contains("-\(pid)-") { count += 1 }
            }
        }
        return count
    }

    @Test("200 videos, 3 workers, one SIGKILLed mid-batch 5 times and restarted: exactly one result per video")
    func workerKills() async throws {
        let harness = try await ClusterHarness()
        let videos = try harness.videos(200)
        let reference = try await harness.reference(Array(Set(videos)).sorted())
        var workers = try (0..<3).map { _ in try harness.startWorker() }
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        var killedHolding = 0
        var finishedAtKills: [Int] = []
        for kill in 0..<5 {
            // Kill k after 10(k+1) results: spaced by work done, so every kill lands mid-run on any machine.
            finishedAtKills.append(try await harness.waitForFinished(10 * (kill + 1)))
            let victim = kill % 3
            killedHolding += try await Self.held(by: workers[victim].pid, harness: harness) > 0 ? 1 : 0
            workers[victim].send(SIGKILL)
            workers[victim] = try harness.startWorker()
        }
        let status = await run.exitStatus(timeout: .seconds(600))
        #expect(status == 0, "run exit\n\(harness.logs())")
        Self.check(try ClusterHarness.results(output), videos: videos, reference: reference, harness: harness)
        #expect(killedHolding >= 3, "workers died holding unacked messages (mid-batch): \(killedHolding) of 5")
        #expect(finishedAtKills.allSatisfy { $0 < videos.count }, "every kill happened mid-run: \(finishedAtKills)")
        // The run forgot its job and frames.
        #expect(try await harness.redis(RESPCommand("SCARD", "framewise:jobs")).int == 0)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: harness.framesDirectory.path)) ?? []
        #expect(left.isEmpty, "frames left: \(left)")
        await harness.stopWorkers()
    }

    @Test("SIGTERM stops a worker gracefully: it finishes what it holds and leaves nothing pending")
    func gracefulStop() async throws {
        let harness = try await ClusterHarness()
        let videos = try harness.videos(60)
        let stopping = try harness.startWorker()
        try harness.startWorker()
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        let before = try await harness.waitForFinished(5)
        stopping.send(SIGTERM)
        let exit = await stopping.exitStatus(timeout: .seconds(20))
        #expect(exit == 0, "the worker exits cleanly after draining\n\(harness.logs())")
        #expect(try await Self.held(by: stopping.pid, harness: harness) == 0, "nothing left unacked by the stopped worker")
        let status = await run.exitStatus(timeout: .seconds(600))
        #expect(status == 0, "run exit\n\(harness.logs())")
        #expect(before < videos.count)
        let results = try ClusterHarness.results(output)
        #expect(results.count == videos.count && results.allSatisfy { $0["status"] as? String == "ok" })
        await harness.stopWorkers()
    }

    @Test("a run stopped with SIGINT abandons its job: workers skip the rest, nothing of it is left")
    func abandonedRun() async throws {
        let harness = try await ClusterHarness()
        let videos = try harness.videos(80)
        try harness.startWorker()
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        _ = try await harness.waitForFinished(3)
        run.send(SIGINT)
        let exit = await run.exitStatus(timeout: .seconds(20))
        #expect(exit == 130, "\(harness.logs())")
        // The worker drains what was queued for the job without running it.
        let deadline = ContinuousClock.now + .seconds(30)
        var queued = Int.max
        while ContinuousClock.now < deadline {
            var total = 0
            for topic in Self.topics {
                let stats = try await harness.frameBroker().stats(topic: topic, group: ClusterOptions.group)
                total += stats.lag + stats.pending
            }
            queued = total
            if queued == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(queued == 0, "messages of the abandoned job left: \(queued)")
        try await Task.sleep(for: .milliseconds(500))
        let keys = try await harness.redis(RESPCommand("KEYS", "framewise:job:*")).array ?? []
        #expect(keys.isEmpty, "job keys left: \(keys.prefix(5))")
        #expect(try await harness.finishedVideos() == nil, "no job in flight")
        #expect(Self.fileCount(harness.framesDirectory) == 0)
        await harness.stopWorkers()
    }

    @Test("framewise status shows each topic's depth, pending, live workers, lag and dead letters, and the job in flight")
    func status() async throws {
        let harness = try await ClusterHarness(settings: ["--max-length", "8"])
        let worker = try harness.startWorker(["--stages", "decode,left"])
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(try harness.videos(30), output: output)
        // left is served, right and head are not: the right topic fills to its bound.
        var report: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        var right = 0
        while ContinuousClock.now < deadline {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Fixtures.framewiseBinary)
            process.arguments = ["status", "--json"] + harness.settings
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            report = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
            let topics = report["topics"] as? [[String: Any]] ?? []
            right = topics.first { $0["topic"] as? String == "synthetic.stage.right" }?["length"] as? Int ?? 0
            if right == 8 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(right == 8, "the unserved stage's stream at its bound: \(report)")
        let topics = Dictionary(uniqueKeysWithValues: (report["topics"] as? [[String: Any]] ?? []).compactMap { t in
            (t["topic"] as? String).map { ($0, t) }
        })
        #expect(topics["synthetic.decode"]?["workers"] as? Int == 1)
        #expect(topics["synthetic.stage.left"]?["workers"] as? Int == 1)
        #expect(topics["synthetic.stage.right"]?["workers"] as? Int == 0)
        #expect(topics["synthetic.stage.right"]?["lag"] as? Int == 8)
        let workers = report["workers"] as? [[String: Any]] ?? []
        #expect(workers.count == 1 && (workers.first?["stages"] as? [String]) == ["decode", "left"])
        let jobs = report["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count == 1 && jobs.first?["videos"] as? Int == 30 && jobs.first?["finished"] as? Int == 0)
        run.send(SIGINT)
        _ = await run.exitStatus(timeout: .seconds(20))
        worker.send(SIGKILL)
        await harness.stopWorkers()
    }

    @Test("redis-server restarted mid-run (AOF on): the run completes with every result")
    func redisRestart() async throws {
        let harness = try await ClusterHarness(appendOnly: true)
        let videos = try harness.videos(120)
        let reference = try await harness.reference(Array(Set(videos)).sorted())
        try harness.startWorker()
        try harness.startWorker()
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        let before = try await harness.waitForFinished(10)
        try await harness.server.restart()
        let status = await run.exitStatus(timeout: .seconds(600))
        #expect(status == 0, "run exit\n\(harness.logs())")
        #expect(before < videos.count, "restarted mid-run, after \(before) videos")
        Self.check(try ClusterHarness.results(output), videos: videos, reference: reference, harness: harness)
        #expect(!harness.log("run.log").contains("re-submitted"), "with AOF nothing was lost, so nothing is submitted again")
        await harness.stopWorkers()
    }

    @Test("a poison video that crashes its worker every time is dead-lettered after N deliveries; the rest completes")
    func poisonVideo() async throws {
        let harness = try await ClusterHarness()
        let poison = harness.directory.appendingPathComponent("poison-clip.mp4")
        try FileManager.default.copyItem(atPath: try Fixtures.require(Fixtures.path("media/h264.mp4")), toPath: poison.path)
        var videos = try harness.videos(12)
        videos.insert(poison.path, at: 5)
        let reference = try await harness.reference(Array(Set(videos.filter { $0 != poison.path })).sorted())
        let environment = ["FRAMEWISE_FAULT_CRASH_ON": "poison-clip"]
        var workers = try (0..<2).map { _ in try harness.startWorker(environment: environment) }
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        // A supervisor (systemd, Kubernetes) restarts workers that die.
        var crashes = 0
        var status: Int32?
        while status == nil {
            for i in workers.indices where !workers[i].isRunning() {
                crashes += 1
                workers[i] = try harness.startWorker(environment: environment)
            }
            status = await run.exitStatus(timeout: .milliseconds(200))
            if crashes > 20 { break }
        }
        #expect(status == 0, "run exit\n\(harness.logs())")
        #expect(crashes == 3, "crashed once per delivery, max-deliveries 3")
        let results = try ClusterHarness.results(output)
        Self.check(results, videos: videos, reference: reference, harness: harness, failing: [5])
        #expect(results.count > 5 && results[5]["status"] as? String == "failed")
        let error = results.count > 5 ? results[5]["error"] as? String ?? "" : ""
        #expect(error.contains("decode") && error.contains("delivered"), "\(error)")
        let letters = try await harness.videoBroker().deadLetters(topic: "synthetic.decode", after: nil, max: 10)
        #expect(letters.count == 1 && letters.first?.message.path == poison.path)
        #expect(letters.first?.error.contains("maxDeliveries 3") == true, "\(letters.first?.error ?? "")")
        await harness.stopWorkers()
    }

    @Test("producers faster than consumers: every stream stays at its bound, memory and frames on disk stay flat")
    func backpressure() async throws {
        let bound = 16
        let harness = try await ClusterHarness(settings: ["--max-length", "\(bound)"])
        let videos = try harness.videos(120)
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)

        // No worker yet: the run submits up to the decode topic's bound and waits.
        try await Task.sleep(for: .seconds(1.5))
        var lengths: [Int] = []
        var memory: [Int] = []
        for _ in 0..<6 {
            lengths.append(try await harness.redis(RESPCommand("XLEN", "framewise:synthetic.decode")).int ?? -1)
            memory.append(try await harness.usedMemory())
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(lengths.allSatisfy { $0 == bound }, "decode topic lengths \(lengths)")

        // A decoder and no stage workers: the root topics fill to their bound; decoding waits.
        try harness.startWorker(["--stages", "decode"])
        try await Task.sleep(for: .seconds(3))
        var roots: [Int] = []
        var files: [Int] = []
        for _ in 0..<6 {
            for topic in ["framewise:synthetic.stage.left", "framewise:synthetic.stage.right"] {
                roots.append(try await harness.redis(RESPCommand("XLEN", topic)).int ?? -1)
            }
            files.append(Self.fileCount(harness.framesDirectory))
            memory.append(try await harness.usedMemory())
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(roots.allSatisfy { $0 == bound }, "root topic lengths \(roots)")
        #expect(files.allSatisfy { $0 <= bound + 1 } && Set(files).count == 1, "frames on disk \(files)")
        let spread = (memory.max() ?? 0) - (memory.min() ?? 0)
        #expect(spread < 512 * 1024, "redis used_memory \(memory)")

        // Consumers arrive: everything completes.
        try harness.startWorker(["--stages", "left,right,head"])
        let status = await run.exitStatus(timeout: .seconds(600))
        #expect(status == 0, "run exit\n\(harness.logs())")
        let results = try ClusterHarness.results(output)
        #expect(results.count == videos.count && results.allSatisfy { $0["status"] as? String == "ok" })
        await harness.stopWorkers()
    }

    static func fileCount(_ folder: URL) -> Int {
        let walker = FileManager.default.enumerator(atPath: folder.path)
        var count = 0
        while let item = walker?.nextObject() as? String { if item.hasSuffix(".frame") { count += 1 } }
        return count
    }
}
