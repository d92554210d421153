import Foundation
import FramewiseServer
import Testing

/// `framewise load`'s generator against a live server: every offered job is accounted for
/// (accepted and completed, or refused with 429), latencies are per completed video.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LoadGeneratorTests {
    @Test func everyOfferedJobIsAcceptedAndCompletedOrRefused() async throws {
        let fixture = try ServerFixture(videos: 2)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let report = try await LoadGenerator(configuration: LoadConfiguration(base: running.client.base, videos: fixture.videos, rate: 20, jobs: 6)).run()
        #expect(report.submitted == 6 && report.accepted == 6 && report.completed == 6 && report.ok == 6, "\(report.text)")
        #expect(report.rejected == 0 && report.errors == 0 && report.timedOut == 0)
        #expect(report.latencies.count == 6 && report.latencies.allSatisfy { $0 > 0 })
        #expect(report.requestMillis["submit"]?.count == 6 && report.requestMillis["status"]?.count == 6 && report.requestMillis["results"]?.count == 6)
        #expect(report.throughput > 0 && report.wallSeconds > 0)
        let json = report.json.jsonText
        #expect(json.contains("\"rejected_429\":0") && json.contains("\"latency_seconds\""), "\(json)")
        #expect(try await running.client.send("GET", "/v1/jobs").json["total"] as? Int == 6, "the server stored each job")
        try await running.stop()
    }

    /// `connections: 3` opens three keep-alive connections up front, one `/healthz` each, then offers the load.
    @Test func connectionsAreOpenedBeforeTheFirstArrival() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        var configuration = LoadConfiguration(base: running.client.base, videos: fixture.videos, rate: 20, jobs: 2)
        configuration.connections = 3
        let report = try await LoadGenerator(configuration: configuration).run()
        #expect(report.submitted == 2 && report.completed == 2, "\(report.text)")
        let metrics = try await running.client.send("GET", "/metrics").body
        let healthz = metrics.split(separator: "\n").filter { $0.hasPrefix("framewise_http_requests_total{") && $0.contains("/healthz") }
        let count = healthz.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(count >= 3, "\(healthz)")
        try await running.stop()
    }

    @Test func aFullQueueShowsAs429sNotErrors() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration(maxQueued: 1, maxInFlight: 1))
        let report = try await LoadGenerator(configuration: LoadConfiguration(base: running.client.base, videos: fixture.videos, rate: 1000, jobs: 12)).run()
        #expect(report.submitted == 12 && report.accepted + report.rejected == 12, "\(report.text)")
        #expect(report.rejected > 0 && report.errors == 0, "\(report.text)")
        #expect(report.completed == report.accepted && report.ok == report.accepted)
        try await running.stop()
    }

    @Test func theLoadCommandPrintsItsReportAsJSON() async throws {
        let fixture = try ServerFixture(videos: 2)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let out = try await framewiseCLI(["load", running.client.base, "--rate", "50", "--jobs", "3", "--videos", fixture.mediaRoot, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require((try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8))) as? [String: Any], "\(out.stdout)")
        #expect(report["submitted"] as? Int == 3 && report["completed"] as? Int == 3 && report["rejected_429"] as? Int == 0, "\(report)")
        #expect(report["arrivals"] as? String == "poisson")
        // Evenly spaced: at 4/s the third job is offered 0.5 s after the first, so the run cannot end sooner.
        let even = try await framewiseCLI(["load", running.client.base, "--rate", "4", "--jobs", "3", "--arrivals", "uniform", "--videos", fixture.mediaRoot, "--json"])
        #expect(even.status == 0, "\(even.stderr)")
        let spaced = try #require((try? JSONSerialization.jsonObject(with: Data(even.stdout.utf8))) as? [String: Any], "\(even.stdout)")
        #expect(spaced["arrivals"] as? String == "uniform" && spaced["completed"] as? Int == 3, "\(spaced)")
        #expect((spaced["wall_seconds"] as? Double ?? 0) >= 0.5, "\(spaced)")
        let unknown = try await framewiseCLI(["load", running.client.base, "--rate", "4", "--jobs", "1", "--arrivals", "weekly", "--videos", fixture.mediaRoot])
        #expect(unknown.status == 2 && unknown.stderr.contains("arrivals"), "\(unknown.stderr)")
        let bad = try await framewiseCLI(["load", running.client.base, "--rate", "1", "--jobs", "1", "--duration", "3", "--videos", fixture.mediaRoot])
        #expect(bad.status == 2 && bad.stderr.contains("--duration or --jobs"), "\(bad.stderr)")
        try await running.stop()
    }

    @Test func anUnreachableServerIsOneClearError() async throws {
        let port = try PostgresServerFixture.freePort()
        await #expect(throws: LoadError.self) {
            try await LoadGenerator(configuration: LoadConfiguration(base: "http://127.0.0.1:\(port)", videos: ["/x.mp4"], rate: 1, jobs: 1)).run()
        }
    }
}
