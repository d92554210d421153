import Foundation
import FramewiseTesting
import GRDB
import Synchronization
import Testing

/// `framewise serve` as a process: SIGKILL mid-job and a restart give every video exactly one
/// result; SIGTERM exits 0; `framewise token` keeps only hashes.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ServeProcessTests {
    /// A running `framewise serve` with its output collected.
    final class ServeProcess: Sendable {
        let process: Process
        private let output = Mutex("")

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: try Fixtures.require(Fixtures.framewiseBinary))
            process.arguments = ["serve"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                self?.output.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
        }

        var text: String { output.withLock { $0 } }

        /// The base URL once the server says it listens.
        func base(within seconds: Double = 20) async throws -> String {
            var found: String?
            _ = await eventually(within: seconds) {
                if let line = text.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
                   let start = line.range(of: "http://") {
                    found = String(line[start.lowerBound...])
                }
                return found != nil || !process.isRunning
            }
            guard let found else { throw TestFailure("serve did not start: \(text)") }
            return found.trimmingCharacters(in: .whitespaces)
        }

        func waitForExit(within seconds: Double = 20) async -> Int32? {
            _ = await eventually(within: seconds) { !process.isRunning }
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    static func framewise(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Fixtures.require(Fixtures.framewiseBinary))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// The results table as stored: (sequence, video id, json) in sequence order.
    static func resultRows(_ store: StoreUnderTest) async throws -> [StoredRow] {
        try await StoredRow.all(store)
    }

    @Test(arguments: StoreKind.allCases)
    func killedMidJobAndRestartedEveryVideoGetsExactlyOneResult(_ kind: StoreKind) async throws {
        // Enough videos that the job outlasts the moment between seeing results and the kill, even on a loaded machine.
        let fixture = try ServerFixture(videos: 160)
        defer { fixture.remove() }
        let store = try await StoreUnderTest(kind, sqlitePath: fixture.database)
        let arguments = [fixture.pipeline, "--bind", "127.0.0.1:0"] + store.serveArguments + ["--allow-root", fixture.mediaRoot,
                         "--data-dir", fixture.dir.appendingPathComponent("data").path, "--max-in-flight", "2", "--worker-threads", "1"]
        let first = try ServeProcess(arguments)
        let client = TestClient(base: try await first.base())
        let id = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        // Kill it once some results are in and some are not.
        var doneAtKill = 0
        let midJob = try await eventually(within: 30) {
            let counts = try await client.send("GET", "/v1/jobs/\(id)").json["counts"] as? [String: Any]
            doneAtKill = counts?["ok"] as? Int ?? 0
            return doneAtKill >= 2
        }
        kill(first.process.processIdentifier, SIGKILL)
        #expect(await first.waitForExit() != nil)
        #expect(midJob && doneAtKill < fixture.videos.count, "killed mid-job (\(doneAtKill) of \(fixture.videos.count) done)")
        let rowsAtKill = try await Self.resultRows(store)
        let storedAtKill = rowsAtKill.count
        // Usually some were running; on a loaded machine the kill can fall between a result and the next claim.
        let interrupted = try await StoredRow.interrupted(store)

        let second = try ServeProcess(arguments)
        let again = TestClient(base: try await second.base())
        let status = try await again.waitUntilFinal(id, within: 180)
        #expect(status["state"] as? String == "done", "\(status) \(second.text)")
        #expect(interrupted == 0 || second.text.contains("\(interrupted) videos left running by the previous process are queued again"),
                "the \(interrupted) videos running at the kill were re-queued: \(second.text)")
        let results = try await again.send("GET", "/v1/jobs/\(id)/results?limit=1000")
        let videos = results.body.split(separator: "\n").compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["video"] as? String
        }
        #expect(videos.count == fixture.videos.count && Set(videos).count == fixture.videos.count, "each video exactly once")
        let rowsAfter = try await Self.resultRows(store)
        let perVideo = Dictionary(grouping: rowsAfter, by: \.video).mapValues(\.count)
        #expect(perVideo.count == fixture.videos.count && perVideo.values.allSatisfy { $0 == 1 })
        #expect(storedAtKill >= 1 && storedAtKill < fixture.videos.count)
        // What was stored before the kill is kept as it was, never recomputed.
        #expect(Array(rowsAfter.prefix(storedAtKill)) == rowsAtKill)

        kill(second.process.processIdentifier, SIGTERM)
        #expect(await second.waitForExit() == 0, "SIGTERM: graceful, exit 0: \(second.text)")
    }

    /// With time to drain, the videos in the engine finish; with none (`--drain-seconds 0`) they are
    /// left running in the store and re-queued at the next start. Either way: exit 0, nothing lost.
    @Test(arguments: ["30", "0"])
    func sigtermWithAJobInFlightExitsZeroAndLosesNothing(drainSeconds: String) async throws {
        let fixture = try ServerFixture(videos: 12)
        defer { fixture.remove() }
        let arguments = [fixture.pipeline, "--bind", "127.0.0.1:0", "--db", fixture.database, "--allow-root", fixture.mediaRoot,
                         "--max-in-flight", "2", "--worker-threads", "1", "--drain-seconds", drainSeconds]
        let first = try ServeProcess(arguments)
        let client = TestClient(base: try await first.base())
        let id = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        kill(first.process.processIdentifier, SIGTERM)
        #expect(await first.waitForExit() == 0, "\(first.text)")
        let second = try ServeProcess(arguments)
        let status = try await TestClient(base: try await second.base()).waitUntilFinal(id, within: 40)
        let counts = status["counts"] as? [String: Any]
        #expect(status["state"] as? String == "done" && counts?["ok"] as? Int == 12, "\(status)")
        let perVideo = try await DatabaseQueue(path: fixture.database).read { db in
            try Int.fetchAll(db, sql: "SELECT COUNT(*) FROM results GROUP BY video_id")
        }
        #expect(perVideo.count == 12 && perVideo.allSatisfy { $0 == 1 })
        kill(second.process.processIdentifier, SIGTERM)
        #expect(await second.waitForExit() == 0)
    }

    @Test func tokenCommandsKeepOnlyHashesAndGuardANonLoopbackServer() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let refused = try Self.framewise(["serve", fixture.pipeline, "--bind", "0.0.0.0:0", "--db", fixture.database, "--allow-root", fixture.mediaRoot])
        #expect(refused.status == 2 && refused.stderr.contains("without bearer tokens") && refused.stderr.contains("token create"), "\(refused.stderr)")

        let created = try Self.framewise(["token", "create", "--db", fixture.database, "--name", "ci"])
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && secret.hasPrefix("fw_") && !created.stderr.contains(secret))
        let listed = try Self.framewise(["token", "list", "--db", fixture.database])
        #expect(listed.status == 0 && listed.stdout.contains("ci") && listed.stdout.contains("active") && !listed.stdout.contains(secret))

        let server = try ServeProcess([fixture.pipeline, "--bind", "0.0.0.0:0", "--db", fixture.database, "--allow-root", fixture.mediaRoot])
        let base = try await server.base().replacingOccurrences(of: "0.0.0.0", with: "127.0.0.1")
        let client = TestClient(base: base)
        #expect(try await client.send("GET", "/v1/jobs").status == 401)
        #expect(try await client.send("GET", "/v1/jobs", token: secret).status == 200)
        let revoked = try Self.framewise(["token", "revoke", "--db", fixture.database, "--name", "ci"])
        #expect(revoked.status == 0)
        #expect(try await client.send("GET", "/v1/jobs", token: secret).status == 401, "beyond loopback: still closed with no token left")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit() == 0)
        #expect(!server.text.contains(secret), "the secret is never logged")
    }
}
