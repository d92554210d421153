import Foundation
import FramewiseServer
import Testing

/// `/ui`: the live page of jobs and charts, refreshed by server-sent events; tokens apply.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LivePageTests {
    static let charts = ["chart-throughput", "chart-inflight", "chart-latency", "chart-split", "chart-batches"]

    @Test func thePageShowsTheJobsAndChartsAndItsEventsRefreshThem() async throws {
        let fixture = try ServerFixture(videos: 3)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        let empty = try await client.send("GET", "/ui")
        #expect(empty.status == 200 && (empty.header("Content-Type") ?? "").hasPrefix("text/html"))
        #expect(empty.body.contains("no jobs yet"))
        for id in Self.charts { #expect(empty.body.contains("id=\"\(id)\""), "\(id)") }
        // Self-contained: nothing loaded from elsewhere (SVG's namespace is a name, not a fetch).
        let loads = empty.body.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!loads.contains("http://") && !loads.contains("https://"), "self-contained: nothing loaded from elsewhere")

        let accepted = try await client.submit(fixture.videos)
        let id = try #require(accepted.json["id"] as? String)
        _ = try await client.waitUntilFinal(id)
        let page = try await client.send("GET", "/ui")
        #expect(page.body.contains("<code>\(id)</code>"))
        #expect(page.body.contains("data-state=\"done\""))
        #expect(page.body.contains("3/3"))
        #expect(page.body.contains("(3 videos)"), "the latency CDF counts the job's videos")
        #expect(page.body.contains(">classify "), "the stage's mean batch is labelled")

        // The event stream sends the same live part, as JSON, at once and then every 2 s.
        let port = try #require(running.server.port)
        let stream = try await rawHTTP(port: port, "GET /ui/events HTTP/1.1\r\nHost: localhost\r\n\r\n", until: "\n\n", timeout: 30)
        #expect(stream.contains("text/event-stream"))
        let data = try #require(stream.split(separator: "\n").first { $0.hasPrefix("data: ") }).dropFirst(6)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        let html = try #require(object["html"] as? String)
        #expect(html.contains("<code>\(id)</code>"))
        for chart in Self.charts { #expect(html.contains("id=\"\(chart)\"")) }
        try await running.stop()
    }

    @Test func withTokensThePageNeedsOneAndKeepsItInACookie() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let repository = try SQLiteJobRepository(path: fixture.database)
        let secret = try await repository.createToken(name: "ops").secret
        let running = try await RunningServer.start(fixture.configuration())
        let port = try #require(running.server.port)
        #expect(try await running.client.send("GET", "/ui").status == 401)
        #expect(try await running.client.send("GET", "/ui?token=fw_wrong").status == 401)
        // The token in the address: a redirect that keeps it in an HttpOnly cookie instead.
        let login = try await rawHTTP(port: port, "GET /ui?token=\(secret) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", until: "\r\n\r\n", timeout: 30)
        #expect(login.hasPrefix("HTTP/1.1 303"), "\(login.prefix(200))")
        let cookie = try #require(login.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") })
        #expect(cookie.contains("framewise_token=") && cookie.contains("HttpOnly"))
        #expect(login.lowercased().contains("location: /ui\r\n"))
        let page = try await running.client.send("GET", "/ui", headers: ["Cookie": "framewise_token=\(secret)"])
        #expect(page.status == 200 && page.body.contains("id=\"chart-latency\""))
        #expect(!page.body.contains(secret), "the page never repeats the secret")
        #expect(try await running.client.send("GET", "/ui", token: secret).status == 200)
        // The API itself does not take the cookie.
        #expect(try await running.client.send("GET", "/v1/jobs", headers: ["Cookie": "framewise_token=\(secret)"]).status == 401)
        try await running.stop()
    }
}
