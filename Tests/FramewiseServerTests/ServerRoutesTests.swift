import Foundation
import FramewiseCore
import FramewiseServer
import FramewiseTesting
import GRDB
import Testing

/// The HTTP API on a live server in this process (real ONNX Runtime, real video, real SQLite).
@Suite(.serialized, .timeLimit(.minutes(2))) struct ServerRoutesTests {
    @Test func aJobRunsAndItsResultsAreServedAsRunWritesThem() async throws {
        let fixture = try ServerFixture(videos: 3)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        let accepted = try await client.submit(fixture.videos)
        #expect(accepted.status == 202, "\(accepted.body)")
        let id = try #require(accepted.json["id"] as? String)
        #expect(accepted.header("Location") == "/v1/jobs/\(id)")
        // Events from the start: one per video, then the end.
        async let events = client.send("GET", "/v1/jobs/\(id)/events")
        let status = try await client.waitUntilFinal(id)
        #expect(status["state"] as? String == "done")
        let counts = try #require(status["counts"] as? [String: Any])
        #expect(counts["ok"] as? Int == 3 && counts["failed"] as? Int == 0 && counts["total"] as? Int == 3)
        #expect(status["progress"] as? Double == 1)

        let results = try await client.send("GET", "/v1/jobs/\(id)/results")
        #expect(results.status == 200 && results.header("Content-Type") == "application/x-ndjson")
        let lines = results.body.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        #expect(lines.map { $0["video"] as? String } == fixture.videos.map { PathPolicyTests.resolved($0) })
        #expect(lines.allSatisfy { $0["status"] as? String == "ok" && ($0["frames"] as? [Any])?.count == 8 && $0["stats"] is [String: Any] })
        let page = try await client.send("GET", "/v1/jobs/\(id)/results?offset=1&limit=1")
        #expect(page.body.split(separator: "\n").count == 1 && page.header("X-Total-Count") == "3" && page.header("X-Next-Offset") == "2")
        #expect(page.body.contains(URL(fileURLWithPath: fixture.videos[1]).lastPathComponent))

        let stream = try await events
        #expect(stream.header("Content-Type") == "text/event-stream")
        #expect(stream.body.components(separatedBy: "event: result\n").count - 1 == 3)
        #expect(stream.body.hasSuffix("\n\n") && stream.body.contains("event: end\ndata: {\"id\":\"\(id)\""))

        // Priority and SLO are kept with the job; its run carries the SLO.
        let urgent = try #require(try await client.submit([fixture.videos[0]], extra: ", \"priority\": 5, \"slo\": \"30s\"").json["id"] as? String)
        let urgentStatus = try await client.waitUntilFinal(urgent)
        #expect(urgentStatus["state"] as? String == "done" && urgentStatus["slo_seconds"] as? Double == 30 && urgentStatus["priority"] as? Int == 5)

        let list = try await client.send("GET", "/v1/jobs?limit=10")
        #expect((list.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == [urgent, id] && list.json["total"] as? Int == 2, "newest first")
        try await running.stop()
    }

    @Test func aHigherPriorityJobOvertakesTheQueueOfAnEarlierOne() async throws {
        let fixture = try ServerFixture(videos: 20)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration(maxInFlight: 1))
        let client = running.client
        let bulk = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        let urgent = try #require(try await client.submit([fixture.videos[0]], extra: ", \"priority\": 10").json["id"] as? String)
        let done = try await client.waitUntilFinal(urgent)
        let bulkNow = try await client.send("GET", "/v1/jobs/\(bulk)").json
        let bulkDone = (bulkNow["counts"] as? [String: Any])?["ok"] as? Int ?? 0
        #expect(done["state"] as? String == "done")
        #expect(bulkNow["state"] as? String == "running" && bulkDone < 20, "the urgent job did not wait for the bulk job: \(bulkDone) of 20 done")
        #expect(try await client.waitUntilFinal(bulk)["state"] as? String == "done")
        try await running.stop()
    }

    @Test func badRequestsGetJSONErrorsNamingTheFieldAndTheServerGoesOn() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        let cases: [(body: String, status: Int, field: String?)] = [
            ("{not json", 400, nil),
            ("[1, 2]", 400, nil),
            ("{\"videos\": [\"\(fixture.videos[0])\"]}", 422, "pipeline"),
            ("{\"pipeline\": \"tiny\"}", 422, "videos"),
            ("{\"pipeline\": \"tiny\", \"videos\": []}", 422, "videos"),
            ("{\"pipeline\": \"tiny\", \"videos\": [3]}", 422, "videos[0]"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.videos[0])\"], \"priority\": \"high\"}", 422, "priority"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.videos[0])\"], \"slo\": \"soon\"}", 422, "slo"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.videos[0])\"], \"slo\": \"1e30h\"}", 422, "slo"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.videos[0])\"], \"priority\": 100000}", 422, "priority"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"media/v000.mp4\"]}", 422, "videos[0]"),
            ("{\"pipeline\": \"nope\", \"videos\": [\"\(fixture.videos[0])\"]}", 404, "pipeline"),
            ("{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.mediaRoot)/missing.mp4\"]}", 422, "videos[0]"),
        ]
        for c in cases {
            let reply = try await client.send("POST", "/v1/jobs", body: c.body)
            #expect(reply.status == c.status, "\(c.body): \(reply.body)")
            #expect(reply.error?.field == c.field, "\(c.body): \(reply.body)")
            #expect(reply.header("Content-Type") == "application/json")
        }
        // Outside the allowed roots, also through `..` and a symbolic link: 403 naming the path sent.
        let link = fixture.mediaRoot + "/escape.mp4"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.pipeline)
        for path in ["/etc/passwd", fixture.mediaRoot + "/../tiny.yaml", link] {
            let reply = try await client.submit([path])
            #expect(reply.status == 403, "\(path): \(reply.body)")
            #expect(reply.error?.field == "videos[0]" && reply.error?.message.contains(path) == true, "\(reply.body)")
        }
        for (path, status, field) in [("/v1/jobs/job_nope", 404, "id"), ("/v1/jobs?limit=5000", 422, "limit"), ("/v1/jobs?offset=-1", 422, "offset"),
                                      ("/nowhere", 404, nil)] {
            let reply = try await client.send("GET", path)
            #expect(reply.status == status && reply.error?.field == field, "\(path): \(reply.body)")
        }
        let big = try await client.send("POST", "/v1/jobs", body: String(repeating: " ", count: 2 << 20))
        #expect(big.status == 413 && big.error != nil, "\(big.status) \(big.body)")
        #expect(try await client.send("GET", "/healthz").status == 200, "still serving")
        #expect(try await client.submit(fixture.videos).status == 202, "still accepting")
        #expect(try await client.send("GET", "/v1/jobs").json["total"] as? Int == 1, "nothing stored by the refused requests")
        try await running.stop()
    }

    @Test func aFullQueueAnswers429WithRetryAfter() async throws {
        let fixture = try ServerFixture(videos: 20)
        defer { fixture.remove() }
        // Videos queued for a pipeline this server does not serve (it once did) do not count.
        let repository = try SQLiteJobRepository(path: fixture.database)
        _ = try await repository.submit(NewJob(pipeline: "retired", videos: (0..<10).map { "/x\($0)" }), maxQueued: 100)
        let running = try await RunningServer.start(fixture.configuration(maxQueued: 24, maxInFlight: 1))
        // One video in flight at a time: 20 videos keep the queue near 20 for a while (each takes
        // tens of milliseconds; the next request comes within a few).
        #expect(try await running.client.submit(fixture.videos).status == 202, "20 + 10 retired > 24: the retired ones are not counted")
        let refused = try await running.client.submit(Array(fixture.videos.prefix(10)))
        #expect(refused.status == 429, "\(refused.body)")
        #expect(refused.header("Retry-After").flatMap(Int.init).map { $0 >= 1 && $0 <= 300 } == true, "\(refused.headers)")
        #expect(refused.error?.field == "videos")
        let tooBig = try await running.client.submit(fixture.videos + fixture.videos)
        #expect(tooBig.status == 422, "never fits: not worth retrying")
        // Once the queue drains, the same job fits.
        #expect(try await eventually { try await running.client.submit(Array(fixture.videos.prefix(10))).status == 202 })
        try await running.stop()
    }

    @Test func cancellingAJobRemovesItsResultsAndPendingVideos() async throws {
        let fixture = try ServerFixture(videos: 2)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let id = try #require(try await running.client.submit(fixture.videos).json["id"] as? String)
        let cancelled = try await running.client.send("DELETE", "/v1/jobs/\(id)")
        #expect(cancelled.status == 200 && cancelled.json["state"] as? String == "cancelled")
        // Whatever was in flight when it was cancelled leaves no result behind.
        let settled = try await eventually(within: 10) {
            let status = try await running.client.send("GET", "/v1/jobs/\(id)").json
            return (status["counts"] as? [String: Any])?["running"] as? Int == 0
        }
        #expect(settled)
        #expect(try await running.client.send("GET", "/v1/jobs/\(id)/results").header("X-Total-Count") == "0")
        let events = try await running.client.send("GET", "/v1/jobs/\(id)/events")
        #expect(events.body.hasPrefix("event: end") && events.body.contains("\"cancelled\""))
        try await running.stop()
    }

    @Test func aGracefulShutdownEndsEventStreamsAndTheServerStops() async throws {
        let fixture = try ServerFixture(videos: 30)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration(maxInFlight: 1))
        let client = running.client
        let id = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        async let events = client.send("GET", "/v1/jobs/\(id)/events")
        #expect(try await eventually { ((try await client.send("GET", "/v1/jobs/\(id)").json["counts"] as? [String: Any])?["ok"] as? Int ?? 0) >= 1 })
        try await running.stop()
        let stream = try await events
        let final = try await running.server.repository.job(id, owner: nil).isFinal
        #expect(stream.body.contains(final ? "event: end" : "event: shutdown"), "\(stream.body.suffix(300))")
        #expect(stream.body.contains("event: result"))
    }

    @Test func retentionDeletesFinishedJobsAtStart() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let repository = try SQLiteJobRepository(path: fixture.database)
        let old = try await repository.submit(NewJob(pipeline: "tiny", videos: fixture.videos), maxQueued: 10)
        let claimed = try await repository.claim(pipeline: "tiny", limit: 1)
        _ = try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{}")
        try await DatabaseQueue(path: fixture.database).write { db in
            try db.execute(sql: "UPDATE jobs SET finished_at = finished_at - 3 * 86400")
        }
        let recent = try await repository.submit(NewJob(pipeline: "tiny", videos: fixture.videos), maxQueued: 10)
        var configuration = fixture.configuration()
        configuration.retentionDays = 2
        let running = try await RunningServer.start(configuration)
        #expect(try await eventually { try await running.client.send("GET", "/v1/jobs/\(old.id)").status == 404 }, "3 days old, kept 2")
        #expect(try await running.client.waitUntilFinal(recent.id)["state"] as? String == "done")
        try await running.stop()
    }

    @Test func readyzReportsModelsAndStore() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let ready = try await running.client.send("GET", "/readyz")
        #expect(ready.status == 200 && ready.json["status"] as? String == "ready" && ready.json["pipelines"] as? [String] == ["tiny"])
        #expect(ready.json["store"] as? String == "ok")
        try await running.stop()
    }

    /// Every path and method in the OpenAPI document is routed, and every route is in the document.
    @Test func theOpenAPIDocumentMatchesTheRoutes() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let document = try await running.client.send("GET", "/openapi.yaml")
        #expect(document.status == 200 && document.body == OpenAPIDocument.yaml && document.body.hasPrefix("openapi: 3.1.0"))
        let documented = Self.operations(in: OpenAPIDocument.yaml)
        let routed: Set<String> = ["GET /healthz", "GET /readyz", "GET /openapi.yaml", "GET /metrics", "POST /v1/jobs", "GET /v1/jobs", "GET /v1/jobs/{id}",
                                   "DELETE /v1/jobs/{id}", "GET /v1/jobs/{id}/results", "GET /v1/jobs/{id}/events"]
        #expect(documented == routed)
        let id = try #require(try await running.client.submit(fixture.videos).json["id"] as? String)
        _ = try await running.client.waitUntilFinal(id)
        for operation in documented.sorted() {
            let parts = operation.split(separator: " ")
            let path = parts[1].replacingOccurrences(of: "{id}", with: id)
            let body = parts[0] == "POST" ? "{\"pipeline\": \"tiny\", \"videos\": [\"\(fixture.videos[0])\"]}" : nil
            let reply = try await running.client.send(String(parts[0]), path, body: body)
            #expect((200..<300).contains(reply.status), "\(operation): \(reply.status) \(reply.body.prefix(200))")
        }
        let put = try await running.client.send("PUT", "/v1/jobs/\(id)")
        #expect(put.status == 405 && put.header("Allow") == "GET, DELETE", "an undocumented method: \(put.status) \(put.body)")
        try await running.stop()
    }

    /// "METHOD /path" for every operation under `paths:` (two-space path keys, four-space methods).
    static func operations(in yaml: String) -> Set<String> {
        var out: Set<String> = []
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") { path = String(line.dropFirst(2).dropLast()) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), let path,
               let method = ["get", "post", "put", "delete", "patch"].first(where: { trimmed == "\($0):" }) {
                out.insert("\(method.uppercased()) \(path)")
            }
        }
        return out
    }
}
