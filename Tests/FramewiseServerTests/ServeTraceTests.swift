import Foundation
import FramewiseTesting
import Testing

/// `framewise serve --trace FILE`: one trace per video the server runs, in the trace file by the
/// time the server stops.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ServeTraceTests {
    @Test func serveWritesOneTracePerVideo() async throws {
        let fixture = try ServerFixture(videos: 3)
        defer { fixture.remove() }
        let trace = fixture.dir.appendingPathComponent("trace.jsonl").path
        let serve = try ServeProcessTests.ServeProcess([fixture.pipeline, "--bind", "127.0.0.1:0", "--db", fixture.database,
                                                        "--allow-root", fixture.mediaRoot, "--worker-threads", "1", "--trace", trace])
        let client = TestClient(base: try await serve.base())
        let id = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        let status = try await client.waitUntilFinal(id, within: 40)
        #expect(status["state"] as? String == "done", "\(status)")
        kill(serve.process.processIdentifier, SIGTERM)
        #expect(await serve.waitForExit() == 0, "\(serve.text)")
        let spans = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let roots = spans.filter { $0["name"] as? String == "video" }
        #expect(roots.count == 3, "one root span per video")
        let traces = Set(roots.compactMap { $0["trace_id"] as? String })
        #expect(traces.count == 3, "one trace per video")
        for name in ["admission", "decode", "stage classify", "assemble"] {
            let named = spans.filter { $0["name"] as? String == name }
            #expect(!named.isEmpty && named.allSatisfy { traces.contains($0["trace_id"] as? String ?? "") }, "\(name) spans in the videos' traces")
        }
    }
}
