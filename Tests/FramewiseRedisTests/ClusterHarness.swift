import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import FramewiseTesting
#if canImport(Glibc)
import Glibc
#endif

/// A distributed deployment for tests: a redis-server, `framewise worker` processes and a
/// `framewise run --broker redis://` process, all real, on the synthetic 3-model pipeline.
final class ClusterHarness: Sendable {
    static let pipeline = Fixtures.projectRoot.appendingPathComponent("examples/synthetic/pipeline.yaml").path
    static let pipelineName = "synthetic"
    static let clips = ["h264.mp4", "mpeg4.avi", "odd.mp4", "h265.mp4", "h264_gop5_b.mp4", "h264_intra.mp4", "h264.ts", "vfr.mp4",
                        "h264_opengop.mp4", "h264_gop5_b.mkv"]

    let server: RedisServerFixture
    let directory: URL
    let settings: [String]
    private let workers = Locked<[ChildProcess]>([])

    /// `settings`: extra options for workers and the run (both get the same broker settings);
    /// `serverArguments`: for redis-server; `startServer: false` leaves it to `server.restart()`.
    init(appendOnly: Bool = false, settings: [String] = [], serverArguments: [String] = [], startServer: Bool = true) async throws {
        _ = try Fixtures.require(Fixtures.framewiseBinary)
        _ = try Fixtures.require(Fixtures.asset("models/synthetic/m3_concat.onnx"))
        server = startServer ? try await RedisServerFixture.start(appendOnly: appendOnly, arguments: serverArguments)
                             : try RedisServerFixture.unstarted(appendOnly: appendOnly)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.settings = ["--broker", server.url, "--frames-dir", directory.appendingPathComponent("frames").path,
                         "--reclaim-after", "2s", "--max-deliveries", "3"] + settings
    }

    deinit {
        for w in workers.withLock({ $0 }) where w.isRunning() { w.send(SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    var framesDirectory: URL { directory.appendingPathComponent("frames") }

    /// `count` submissions cycling over the fixture clips (a video may be submitted several times).
    func videos(_ count: Int) throws -> [String] {
        let clips = try Self.clips.map { try Fixtures.require(Fixtures.path("media/\($0)")) }
        return (0..<count).map { clips[$0 % clips.count] }
    }

    /// Starts a worker process; `arguments` e.g. `["--stages", "decode"]`.
    @discardableResult
    func startWorker(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> ChildProcess {
        let log = directory.appendingPathComponent("worker.log").path
        let worker = try ChildProcess(path: Fixtures.framewiseBinary,
                                      arguments: ["worker", Self.pipeline, "--decode-slots", "1", "--worker-threads", "1"] + settings + arguments,
                                      environment: environment, errorLog: log)
        workers.withLock { $0.append(worker) }
        return worker
    }

    /// Starts `framewise run` over `videos`, writing JSONL to `output`; `arguments` e.g. `["--on-broker-loss", "fail"]`.
    func startRun(_ videos: [String], output: URL, arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(path: Fixtures.framewiseBinary, arguments: ["run", Self.pipeline] + videos + ["--quiet", "-o", output.path] + settings + arguments,
                         errorLog: directory.appendingPathComponent("run.log").path)
    }

    /// The text of a log file (`run.log`, `worker.log`); empty when there is none yet.
    func log(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Waits until `name` holds `text`; whether it did within `timeout`.
    func waitForLog(_ name: String, containing text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log(name).contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// `framewise status` with the deployment's settings: its standard output and error.
    func status(_ arguments: [String] = []) throws -> (output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.framewiseBinary)
        process.arguments = ["status"] + arguments + settings
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    /// The log files' tails, for failure messages.
    func logs() -> String {
        ["run.log", "worker.log"].map { name in
            let text = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "\(name): \(text.suffix(3000))"
        }.joined(separator: "\n")
    }

    /// Stops every worker (SIGTERM, then SIGKILL).
    func stopWorkers() async {
        for w in workers.withLock({ $0 }) where w.isRunning() {
            w.send(SIGTERM)
            let deadline = ContinuousClock.now + .seconds(5)
            while w.isRunning(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            if w.isRunning() { w.send(SIGKILL) }
        }
    }

    /// A broker on the same server and prefix as the processes, to look inside.
    func frameBroker() -> RedisStreamsBroker<FramewiseRuntime.FrameMessage> {
        RedisStreamsBroker(configuration: RedisStreamsBrokerConfiguration(connection: server.configuration, keyPrefix: "framewise"))
    }

    func videoBroker() -> RedisStreamsBroker<VideoMessage> {
        RedisStreamsBroker(configuration: RedisStreamsBrokerConfiguration(connection: server.configuration, keyPrefix: "framewise"))
    }

    /// One command on a fresh connection.
    func redis(_ command: RESPCommand) async throws -> RESPValue {
        let connection = try await RedisConnection.connect(to: server.configuration)
        defer { Task { await connection.close() } }
        return try await connection.send(command)
    }

    /// Finished videos of the (single) job in flight; nil when there is none.
    func finishedVideos() async throws -> Int? {
        let store = RedisJobStore(connection: server.configuration, keyPrefix: "framewise", poolSize: 1)
        let jobs = try await store.jobs()
        await store.shutdown()
        return jobs.first?.finished
    }

    /// Waits until the job in flight has at least `count` finished videos.
    func waitForFinished(_ count: Int, timeout: Duration = .seconds(120)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let n = try await finishedVideos(), n >= count { return n }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError("fewer than \(count) videos finished in time\n\(logs())")
    }

    /// Redis' `used_memory` in bytes.
    func usedMemory() async throws -> Int {
        let info = try await redis(RESPCommand("INFO", "memory")).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("used_memory:") }
        return line.flatMap { Int($0.dropFirst("used_memory:".count)) } ?? 0
    }

    /// The JSONL results as objects, in file order.
    static func results(_ output: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: output, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError("not a JSON object: \(line.prefix(200))")
            }
            return object
        }
    }

    /// The in-process engine's results for `videos` (the reference a distributed run must equal).
    func reference(_ videos: [String]) async throws -> [String: [String: Any]] {
        let output = directory.appendingPathComponent("reference.jsonl")
        let run = try ChildProcess(path: Fixtures.framewiseBinary, arguments: ["run", Self.pipeline] + videos + ["--quiet", "-o", output.path],
                                   errorLog: directory.appendingPathComponent("reference.log").path)
        guard await run.exitStatus(timeout: .seconds(300)) == 0 else { throw FixtureError("reference run failed") }
        var byPath: [String: [String: Any]] = [:]
        for r in try Self.results(output) { if let video = r["video"] as? String { byPath[video] = r } }
        return byPath
    }

    /// Whether two decoded JSON values are equal, numbers within `tolerance` (batches of other
    /// sizes may change the last digits of a float).
    static func same(_ a: Any?, _ b: Any?, tolerance: Double = 1e-4) -> Bool {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { same(x[$0], y[$0], tolerance: tolerance) }
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1, tolerance: tolerance) }
        case let (x as NSNumber, y as NSNumber):
            return abs(x.doubleValue - y.doubleValue) <= tolerance * max(1, abs(x.doubleValue))
        case let (x as String, y as String):
            return x == y
        case (nil, nil), (is NSNull, is NSNull):
            return true
        default:
            return false
        }
    }
}
