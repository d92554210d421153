import Foundation
import FramewiseRuntime
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FramewiseServer
import FramewiseTesting
import Testing

/// Videos given as URLs (downloaded once through the shared downloader, private addresses
/// refused unless allow-listed) and as multipart uploads (capped, removed with their job).
@Suite(.serialized, .timeLimit(.minutes(3))) struct ServerInputsTests {
    /// The JSON objects of JSON-lines text (a job's results, `run`'s output).
    static func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// The JSON lines of a job's results.
    static func results(_ client: TestClient, _ id: String) async throws -> [[String: Any]] {
        jsonLines(try await client.send("GET", "/v1/jobs/\(id)/results?limit=1000").body)
    }

    @Test func urlVideosAreDownloadedOnceAndAFailedDownloadFailsOnlyItsVideo() async throws {
        let http = try LocalHTTPServer()
        defer { http.stop() }
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let spans = SpanCollector()
        var configuration = fixture.configuration(allowPrivateURLs: ["127.0.0.1"])
        configuration.tracer = RecordingTracer(exporter: spans)
        let running = try await RunningServer.start(configuration)
        let good = http.url("/files/h264.mp4"), missing = http.url("/status/404")
        let reply = try await running.client.submit([good, missing, good])
        #expect(reply.status == 202, "\(reply.body)")
        let id = try #require(reply.json["id"] as? String)
        let status = try await running.client.waitUntilFinal(id)
        let counts = status["counts"] as? [String: Any]
        #expect(status["state"] as? String == "done" && counts?["ok"] as? Int == 2 && counts?["failed"] as? Int == 1, "\(status)")
        let lines = try await Self.results(running.client, id)
        #expect(lines.map { $0["video"] as? String } == [good, missing, good], "results name the URLs as given")
        #expect(lines.map { $0["status"] as? String } == ["ok", "failed", "ok"])
        let error = lines[1]["error"] as? String ?? ""
        #expect(error.contains(missing) && error.contains("404"), "the error names the URL and what went wrong: \(error)")
        let objects = try FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory + "/downloads/objects")
        #expect(objects.count == 1, "one download in the shared cache: \(objects)")
        let count = try await URLSession.shared.data(from: try #require(URL(string: http.url("/count/h264.mp4")))).0
        #expect(String(decoding: count, as: UTF8.self) == "1", "the HTTP server saw one request")
        // Each URL video's trace holds its download, under its root; the 404's is an error.
        let downloads = spans.records.filter { $0.name == "download" }
        let roots = Dictionary(spans.records.filter { $0.name == "video" }.map { ($0.traceID, $0.spanID) }, uniquingKeysWith: { a, _ in a })
        #expect(downloads.count == 3, "\(spans.records.map(\.name))")
        #expect(downloads.allSatisfy { roots[$0.traceID] == $0.parentID }, "each download is a child of its video's root span")
        #expect(downloads.filter { $0.status == "error" }.count == 1, "the 404 is marked an error")
        try await running.stop()
    }

    @Test func privateAddressesAreRefusedUnlessAllowListedAndBadURLsNamed() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        for url in ["http://127.0.0.1:9/x.mp4", "http://localhost/x.mp4", "http://[::1]/x.mp4", "http://10.1.2.3/x.mp4", "http://169.254.169.254/latest"] {
            let reply = try await running.client.submit([fixture.videos[0], url])
            #expect(reply.status == 403 && reply.error?.field == "videos[1]", "\(url): \(reply.status) \(reply.body)")
            #expect(reply.error?.message.contains("allow-list") == true, "\(reply.body)")
        }
        let bad = try await running.client.submit(["ftp://example.com/x.mp4"])
        #expect(bad.status == 422 && bad.error?.field == "videos[0]", "\(bad.body)")
        #expect(try await running.client.send("GET", "/v1/jobs").json["total"] as? Int == 0, "nothing stored")
        try await running.stop()
    }

    /// A multipart body: text fields, then one file part per (name, bytes).
    static func multipart(fields: [(String, String)], files: [(String, Data)], boundary: String = "fw-test-boundary") -> Data {
        var body = Data()
        for (name, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, bytes) in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"video\"; filename=\"\(name)\"\r\nContent-Type: video/mp4\r\n\r\n".utf8)
            body += bytes
            body += Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return body
    }

    @Test func uploadedVideosRunAndAreRemovedWithTheirJob() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.videos[0]))
        let body = Self.multipart(fields: [("pipeline", "tiny"), ("priority", "3")], files: [("a.mp4", bytes), ("../../b c.mp4", bytes)])
        let reply = try await running.client.send("POST", "/v1/jobs", data: body, contentType: "multipart/form-data; boundary=fw-test-boundary")
        #expect(reply.status == 202, "\(reply.body)")
        let id = try #require(reply.json["id"] as? String)
        let folder = fixture.dataDirectory + "/uploads/" + id
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(stored == ["000-a.mp4", "001-bc.mp4"], "kept under safe names in the job's folder: \(stored)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/000-a.mp4")) == bytes, "stored byte for byte")
        let status = try await running.client.waitUntilFinal(id)
        #expect(status["state"] as? String == "done" && (status["counts"] as? [String: Any])?["ok"] as? Int == 2 && status["priority"] as? Int == 3,
                "\(status)")
        #expect(try await running.client.send("DELETE", "/v1/jobs/\(id)").status == 200)
        #expect(!FileManager.default.fileExists(atPath: folder), "deleting the job removes its uploads")
        try await running.stop()
    }

    @Test func oversizedMalformedOrIncompleteUploadsAreRefusedAndLeaveNothing() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration(maxUploadBytes: 4096))
        let type = "multipart/form-data; boundary=fw-test-boundary"
        let large = Self.multipart(fields: [("pipeline", "tiny")], files: [("big.mp4", Data(repeating: 7, count: 64 << 10))])
        let tooLarge = try await running.client.send("POST", "/v1/jobs", data: large, contentType: type)
        #expect(tooLarge.status == 413 && tooLarge.error?.message.contains("4096") == true, "\(tooLarge.status) \(tooLarge.body)")
        let small = Data("tiny".utf8)
        let cases: [(Data, String, Int, String?)] = [
            (Self.multipart(fields: [("pipeline", "nope")], files: [("a.mp4", small)]), type, 404, "pipeline"),
            (Self.multipart(fields: [], files: [("a.mp4", small)]), type, 422, "pipeline"),
            (Self.multipart(fields: [("pipeline", "tiny")], files: []), type, 422, "video"),
            (Self.multipart(fields: [("pipeline", "tiny"), ("priority", "high")], files: [("a.mp4", small)]), type, 422, "priority"),
            (Data("--fw-test-boundary\r\nContent-Disposition: form-data; name=\"pipeline\"\r\n\r\ntiny".utf8), type, 400, nil),
            (Self.multipart(fields: [("pipeline", "tiny")], files: [("a.mp4", small)]), "multipart/form-data", 400, "Content-Type"),
        ]
        for (body, contentType, status, field) in cases {
            let reply = try await running.client.send("POST", "/v1/jobs", data: body, contentType: contentType)
            #expect(reply.status == status && reply.error?.field == field, "\(reply.status) \(reply.body)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: fixture.dataDirectory + "/uploads")) ?? []
        #expect(left.isEmpty, "no upload left behind: \(left)")
        #expect(try await running.client.send("GET", "/healthz").status == 200, "the server goes on")
        try await running.stop()
    }

    @Test func runFetchesURLInputsOnceAndFailsOnlyTheVideoWhoseDownloadFailed() async throws {
        let http = try LocalHTTPServer()
        defer { http.stop() }
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let cache = fixture.dir.appendingPathComponent("cache").path
        let good = http.url("/files/h264.mp4"), missing = http.url("/status/404")
        let allowed = try await framewiseCLI(["run", fixture.pipeline, good, missing, good, "--quiet", "--download-cache", cache,
                                                       "--allow-private-url", "127.0.0.1", "--worker-threads", "1"])
        let lines = Self.jsonLines(allowed.stdout)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(lines.map { $0["status"] as? String } == ["ok", "failed", "ok"], "\(allowed.stdout)")
        #expect((lines.dropFirst().first?["error"] as? String)?.contains("404") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/objects").count == 1)
        let refused = try await framewiseCLI(["run", fixture.pipeline, good, "--quiet", "--download-cache", cache + "-fresh"])
        #expect(refused.status == 1 && refused.stdout.contains("allow-list"), "not allow-listed: refused, as that video's error: \(refused.stdout)")
    }

    /// `--download-timeout` bounds each attempt to the last byte: a server that sends half the body
    /// and stalls fails that video (its error naming the URL and the timeout) with
    /// `--download-retries 0`, the rest of the run goes on; a timeout that is not a duration is refused.
    @Test func aDownloadThatStallsMidBodyTimesOut() async throws {
        let http = try LocalHTTPServer()
        defer { http.stop() }
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let cache = fixture.dir.appendingPathComponent("cache").path
        let good = http.url("/files/h264.mp4"), stalled = http.url("/stall/mpeg4.avi")
        let run = try await framewiseCLI(["run", fixture.pipeline, stalled, good, "--quiet", "--download-cache", cache, "--allow-private-url", "127.0.0.1",
                                          "--download-timeout", "1s", "--download-retries", "0", "--worker-threads", "1"])
        let lines = Self.jsonLines(run.stdout)
        #expect(lines.map { $0["status"] as? String } == ["failed", "ok"], "\(run.stdout) \(run.stderr)")
        let error = lines.first?["error"] as? String ?? ""
        #expect(error.contains(stalled) && error.contains("no complete response within 1.0 s"), "\(error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/objects").count == 1, "only the complete download is cached")
        let refused = try await framewiseCLI(["run", fixture.pipeline, good, "--download-timeout", "soon"])
        #expect(refused.status != 0 && refused.stderr.contains("--download-timeout"), "\(refused.stderr)")
    }
}
