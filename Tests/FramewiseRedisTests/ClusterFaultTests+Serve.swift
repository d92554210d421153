import Foundation
import FramewiseTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

extension ClusterFaultTests {
    /// One HTTP exchange with the server under test: status and body.
    static func http(_ method: String, _ url: String, body: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test("serve --broker redis:// runs a job's videos on worker processes: results equal the in-process engine's")
    func serveOnWorkers() async throws {
        let harness = try await ClusterHarness()
        let videos = try harness.videos(6)
        let reference = try await harness.reference(videos)
        try harness.startWorker(["--metrics-bind", "127.0.0.1:0"])
        #expect(await harness.waitForLog("worker.log", containing: "/metrics"), "the worker says where\n\(harness.logs())")
        let line = harness.log("worker.log").split(separator: "\n").first { $0.contains("metrics at http://") }
        let metricsURL = try #require(line.flatMap { $0.split(separator: " ").last }.map(String.init))

        let port = try FreePort.next()
        let base = "http://127.0.0.1:\(port)"
        let mediaRoot = URL(fileURLWithPath: videos[0]).deletingLastPathComponent().path
        let serve = try ChildProcess(
            path: Fixtures.framewiseBinary,
            arguments: ["serve", ClusterHarness.pipeline, "--bind", "127.0.0.1:\(port)", "--db", harness.directory.appendingPathComponent("jobs.sqlite").path,
                        "--data-dir", harness.directory.appendingPathComponent("data").path, "--allow-root", mediaRoot, "--max-in-flight", "4"]
                + harness.settings,
            errorLog: harness.directory.appendingPathComponent("serve.log").path)
        defer { if serve.isRunning() { serve.send(SIGKILL) } }

        // Ready once the store and the broker answer; readiness names the broker.
        var ready: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, serve.isRunning() {
            if let reply = try? await Self.http("GET", base + "/readyz"), reply.status == 200 { ready = Self.object(reply.body); break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(ready["broker"] as? String == "ok", "readyz: \(ready)\n\(harness.log("serve.log"))")

        let list = videos.map { "\"\($0)\"" }.joined(separator: ",")
        let submitted = try await Self.http("POST", base + "/v1/jobs", body: "{\"pipeline\": \"\(ClusterHarness.pipelineName)\", \"videos\": [\(list)]}")
        #expect(submitted.status == 202, "\(submitted.body)")
        let id = try #require(Self.object(submitted.body)["id"] as? String)
        var status: [String: Any] = [:]
        let finish = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < finish {
            status = Self.object(try await Self.http("GET", base + "/v1/jobs/\(id)").body)
            if ["done", "failed", "cancelled"].contains(status["state"] as? String ?? "") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status["state"] as? String == "done", "\(status)\n\(harness.logs())\nserve.log: \(harness.log("serve.log").suffix(3000))")

        // Every video once, each equal to the in-process engine's result.
        let results = try await Self.http("GET", base + "/v1/jobs/\(id)/results").body.split(separator: "\n").map { Self.object(String($0)) }
        #expect(results.count == videos.count)
        let byName = Dictionary(reference.map { (URL(fileURLWithPath: $0.key).lastPathComponent, $0.value) }, uniquingKeysWith: { a, _ in a })
        for result in results {
            let name = URL(fileURLWithPath: result["video"] as? String ?? "").lastPathComponent
            #expect(result["status"] as? String == "ok", "\(name): \(result["error"] ?? "")")
            let expected = try #require(byName[name], "\(name) has a reference")
            #expect(ClusterHarness.same(result["frames"], expected["frames"]), "\(name): frames differ from the in-process engine's")
            #expect(ClusterHarness.same(result["summary"], expected["summary"]), "\(name): summary differs")
        }
        #expect(Set(results.map { URL(fileURLWithPath: $0["video"] as? String ?? "").lastPathComponent }).count == videos.count, "no duplicates")

        // The frames went through the worker: its last stage counted every sampled frame.
        let sampled = results.compactMap { ($0["frames"] as? [Any])?.count }.reduce(0, +)
        #expect(sampled > 0)
        let metrics = try await Self.http("GET", metricsURL).body
        #expect(Self.metric(metrics, "framewise_stage_items_total{pipeline=\"synthetic\",stage=\"head\"}") == Double(sampled), "\(metrics.prefix(2000))")

        serve.send(SIGTERM)
        #expect(await serve.exitStatus(timeout: .seconds(30)) == 0, "serve exits 0 on SIGTERM\n\(harness.log("serve.log").suffix(2000))")
        await harness.stopWorkers()
    }
}
