import Foundation
import FramewiseServer
import Testing

/// `/metrics` of a live server: Prometheus' text format, moving with the jobs' results.
@Suite struct ServerMetricsTests {
    static func value(_ text: String, _ prefix: String) -> Double {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test func metricsMoveWithTheResults() async throws {
        let fixture = try ServerFixture(videos: 3)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        let before = try await client.send("GET", "/metrics")
        #expect(before.status == 200)
        #expect(Self.value(before.body, "framewise_videos_total") == 0)
        let accepted = try await client.submit(fixture.videos)
        let id = try #require(accepted.json["id"] as? String)
        let status = try await client.waitUntilFinal(id)
        let counts = try #require(status["counts"] as? [String: Any])
        // Scraped while the server runs: what the job's results say, the counters say.
        let after = try await client.send("GET", "/metrics")
        #expect(after.status == 200 && (after.header("Content-Type") ?? "").hasPrefix("text/plain"))
        #expect(Self.value(after.body, "framewise_videos_total{pipeline=\"tiny\",status=\"ok\"}") == Double(counts["ok"] as? Int ?? -1))
        #expect(Self.value(after.body, "framewise_sampled_frames_total") == 24, "3 videos of 8 frames")
        #expect(Self.value(after.body, "framewise_stage_items_total") == 24)
        #expect(Self.value(after.body, "framewise_stage_batch_size_sum") == 24)
        #expect(Self.value(after.body, "framewise_video_latency_seconds_count") == 3)
        #expect(Self.value(after.body, "framewise_videos_in_flight") == 0)
        #expect(!after.body.contains(URL(fileURLWithPath: fixture.videos[0]).lastPathComponent), "no paths in labels")
        try await running.stop()
    }

    @Test func requestsAreTimedByRoutePatternNeverByID() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        let accepted = try await client.submit(fixture.videos)
        let id = try #require(accepted.json["id"] as? String)
        _ = try await client.waitUntilFinal(id)
        for _ in 0..<3 { #expect(try await client.send("GET", "/v1/jobs/\(id)/results").status == 200) }
        #expect(try await client.send("GET", "/v1/jobs/job_unknown").status == 404)
        let text = try await client.send("GET", "/metrics").body
        func count(_ route: String, _ method: String, _ status: Int) -> Double {
            Self.value(text, "framewise_http_request_duration_seconds_count{route=\"\(route)\",method=\"\(method)\",status=\"\(status)\"}")
        }
        #expect(count("/v1/jobs", "POST", 202) == 1)
        #expect(count("/v1/jobs/{id}/results", "GET", 200) == 3)
        #expect(count("/v1/jobs/{id}", "GET", 404) == 1, "errors are timed with the status they are answered with")
        #expect(Self.value(text, "framewise_http_requests_total{route=\"/v1/jobs/{id}/results\",method=\"GET\",status=\"200\"}") == 3)
        #expect(Self.value(text, "framewise_http_request_duration_seconds_sum{route=\"/v1/jobs/{id}/results\"") > 0)
        #expect(!text.contains(id), "no job id in a label")
        try await running.stop()
    }
}
