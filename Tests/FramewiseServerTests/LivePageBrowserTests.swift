import Foundation
import FramewiseCore
import FramewiseServer
import FramewiseTesting
import Synchronization
import Testing

/// `/ui` in a real browser (Debian's headless Chromium, driven over the DevTools protocol by
/// `scripts/python/browser_probe.py`): the page shows a job running, then, pushed by its event
/// stream and without a reload, the same job done with every chart drawn.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LivePageBrowserTests {
    /// Holds every batch of real frames until opened (the load-time probe, all zeros, passes).
    final class Gate: Sendable {
        private let open = Mutex(false)
        func release() { open.withLock { $0 = true } }
        func wait() { while !open.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) } }

        func session(width: Int, height: Int) -> FakeSession {
            FakeSession(name: "gated", inputs: [TensorInfo(name: "image", elementType: .float32, shape: [-1, 3, height, width])],
                        outputs: [TensorInfo(name: "y", elementType: .float32, shape: [-1, 1])]) { [self] inputs in
                let x = inputs["image"]?.floats() ?? []
                if x.contains(where: { $0 != 0 }) { wait() }
                let n = inputs["image"]?.shape[0] ?? 0
                return ["y": try Tensor.float32(shape: [n, 1], values: Array(repeating: 0.5, count: n))]
            }
        }
    }

    @Test func aBrowserSeesTheJobRunThenFinishPushedByEvents() async throws {
        _ = try Fixtures.require("/usr/bin/chromium")
        let probe = Fixtures.projectRoot.appendingPathComponent("scripts/python/browser_probe.py").path
        let fixture = try ServerFixture(videos: 3)
        defer { fixture.remove() }
        let gate = Gate()
        let model = try Fixtures.require(Fixtures.path("onnx/cnn_dynamic.onnx"))
        let running = try await RunningServer.start(fixture.configuration(), backend: FakeBackend(sessions: [model: gate.session(width: 32, height: 32)]))
        defer { gate.release() }
        let client = running.client
        let id = try #require(try await client.submit(fixture.videos).json["id"] as? String)
        #expect(try await eventually(within: 30) { try await client.send("GET", "/v1/jobs/\(id)").json["state"] as? String == "running" })

        let port = try #require(running.server.port)
        let watch = fixture.dir.appendingPathComponent("states.json"), dom = fixture.dir.appendingPathComponent("ui.html")
        let png = fixture.dir.appendingPathComponent("ui.png")
        let row = "document.querySelector('tr.job')"
        let browser = try ChildProcess(path: "/usr/bin/python3", arguments: [
            probe, "http://127.0.0.1:\(port)/ui",
            "--until", "\(row) !== null && \(row).getAttribute('data-state') === 'done' && Number(document.body.getAttribute('data-updates') || 0) >= 1",
            "--watch", "\(row) === null ? 'none' : \(row).getAttribute('data-state')", "--watch-out", watch.path,
            "--dom", dom.path, "--screenshot", png.path, "--timeout", "90"], errorLog: fixture.dir.appendingPathComponent("probe.log").path)
        // The browser shows the job running; only then may it finish.
        func states() -> [String] {
            (try? JSONSerialization.jsonObject(with: Data(contentsOf: watch))) as? [String] ?? []
        }
        let sawRunning = await eventually(within: 60) { states().contains("running") || !browser.isRunning() }
        #expect(sawRunning && states().contains("running"), "states seen: \(states())")
        gate.release()
        let status = await browser.exitStatus(timeout: .seconds(120))
        let log = (try? String(contentsOf: fixture.dir.appendingPathComponent("probe.log"), encoding: .utf8)) ?? ""
        #expect(status == 0, "probe: \(log.suffix(1000))")
        #expect(states().last == "done", "states seen: \(states())")
        if let first = states().firstIndex(of: "running"), let done = states().lastIndex(of: "done") { #expect(first < done) }

        // The DOM the browser built from the pushed update: the job, done, every chart.
        let html = try String(contentsOf: dom, encoding: .utf8)
        #expect(html.contains("<code>\(id)</code>"))
        #expect(html.contains("3/3"))
        #expect(html.contains("live: updated every 2 s"), "the event stream connected")
        for chart in LivePageTests.charts { #expect(html.contains("id=\"\(chart)\""), "\(chart)") }
        #expect(html.contains("(3 videos)"), "the latency CDF counts the job's videos")
        // A real screenshot: a PNG of the page.
        let image = try Data(contentsOf: png)
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]) && image.count > 10_000, "\(image.count) bytes")
        try await running.stop()
    }
}
