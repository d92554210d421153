import Foundation
import FramewiseTesting
import Testing

/// `run --report` and `framewise report` on the real examples, opened in headless Chromium: the
/// DOM has every chart, one row per video, and thumbnails that are JPEGs the browser decoded.
@Suite(.serialized) struct ReportBrowserTests {
    /// A probe appended to a copy of the page: once loaded, it writes how many images decoded
    /// (complete with a natural width) out of how many into the DOM that Chromium dumps.
    static let probe = "<script>window.addEventListener('load',function(){var i=Array.prototype.slice.call(document.images);"
        + "document.body.setAttribute('data-images-loaded',i.filter(function(x){return x.complete&&x.naturalWidth>0}).length+'/'+i.length);});</script>"

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// Runs blocking work (a CLI run, Chromium) on its own thread, so the test never holds one of
    /// Swift's few cooperative threads for the seconds it takes (other suites' timing depends on them).
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Every `data:image/jpeg;base64,...` payload of the page, decoded.
    static func jpegs(in html: String) -> [Data] {
        html.components(separatedBy: "data:image/jpeg;base64,").dropFirst().compactMap { part in
            Data(base64Encoded: String(part.prefix { $0 != "\"" }))
        }
    }

    /// Loads `page` in Chromium with the probe; the dumped DOM.
    static func dom(of page: URL) async throws -> String {
        let html = try String(contentsOf: page, encoding: .utf8)
        let probed = page.deletingLastPathComponent().appendingPathComponent("probe-" + page.lastPathComponent)
        try html.replacingOccurrences(of: "</body>", with: probe + "</body>").write(to: probed, atomically: true, encoding: .utf8)
        return try await offPool { try HeadlessChromium.dumpDOM(probed) }
    }

    /// Checks what every report must show, in the DOM Chromium built.
    static func expectReport(_ dom: String, videos: Int, stages: [String], thumbnails: Bool) {
        for id in ["chart-time-split", "chart-throughput", "chart-in-flight", "chart-latency-video", "chart-latency-frame", "time-shares", "videos"] {
            #expect(dom.contains("id=\"\(id)\""), "chart or table \(id)")
        }
        for stage in stages { #expect(dom.contains("id=\"chart-batch-\(stage)\""), "batch histogram of \(stage)") }
        #expect(count("class=\"video-row\"", in: dom) == videos, "one row per video")
        #expect(count("<svg", in: dom) >= 5 + stages.count)
        let loaded = dom.range(of: #"data-images-loaded="(\d+)/(\d+)""#, options: .regularExpression).map { String(dom[$0]) }
        let numbers = loaded.map { $0.split { !$0.isNumber }.compactMap { Int($0) } } ?? []
        #expect(numbers.count == 2, "the probe ran: \(loaded ?? "no attribute")")
        if numbers.count == 2 {
            #expect(numbers[0] == numbers[1], "every image decoded in the browser: \(numbers)")
            if thumbnails { #expect(numbers[1] > 0, "thumbnails present") }
        }
    }

    static func expectJPEGs(_ html: String) {
        let images = jpegs(in: html)
        #expect(!images.isEmpty)
        for image in images {
            #expect(image.count > 500 && Array(image.prefix(3)) == [0xFF, 0xD8, 0xFF] && Array(image.suffix(2)) == [0xFF, 0xD9], "a whole JPEG")
        }
    }

    @Test func moderationReportOpensInChromium() async throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let videos = try ["carphone_pristine.mp4", "bikes.mp4", "bigbuckbunny.mp4"].map { try Fixtures.require(Fixtures.asset("videos/\($0)")) }
        let page = dir.appendingPathComponent("moderation.html")
        let arguments = ["run", "examples/moderation/pipeline.yaml"] + videos
            + ["--output", dir.appendingPathComponent("m.jsonl").path, "--trace", dir.appendingPathComponent("m.trace.jsonl").path, "--report", page.path, "--quiet"]
        let run = try await Self.offPool { try CLITests.framewise(arguments) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report: "), "says where the report is")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("<script"), "the report itself has no script")
        Self.expectJPEGs(html)
        // Moderation flags the most NSFW frame of each video and its frames with faces, boxes drawn.
        #expect(html.contains("highest nsfw"))
        #expect(html.contains("class=\"box\" data-stage=\"faces\""))
        let dom = try await Self.dom(of: page)
        Self.expectReport(dom, videos: 3, stages: ["faces", "nsfw"], thumbnails: true)
        let png = dir.appendingPathComponent("moderation.png")
        try await Self.offPool { try HeadlessChromium.screenshot(page, to: png) }
        let bytes = try Data(contentsOf: png)
        #expect(bytes.count > 10_000 && Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47], "a PNG screenshot")
    }

    @Test func ocrReportFromFilesOpensInChromium() async throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let results = dir.appendingPathComponent("ocr.jsonl"), trace = dir.appendingPathComponent("ocr.trace.jsonl")
        let run = try await Self.offPool {
            try CLITests.framewise(["run", "examples/ocr/pipeline.yaml", video, "--output", results.path, "--trace", trace.path, "--quiet"])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let traceLines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        #expect(traceLines.contains { $0.contains("\"name\":\"stage text\"") } && traceLines.contains { $0.contains("\"name\":\"decode\"") })
        let page = dir.appendingPathComponent("ocr.html")
        let report = try await Self.offPool { try CLITests.framewise(["report", results.path, "--trace", trace.path, "-o", page.path]) }
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        Self.expectJPEGs(html)
        #expect(html.contains("class=\"box\" data-stage=\"det\""), "text boxes drawn")
        let dom = try await Self.dom(of: page)
        Self.expectReport(dom, videos: 1, stages: ["det", "orient", "text"], thumbnails: true)
    }

    @Test func reportRefusesAMissingResultsFile() async throws {
        let r = try await Self.offPool { try CLITests.framewise(["report", "/nonexistent/results.jsonl", "-o", "/tmp/never.html"]) }
        #expect(r.status == 2 && r.stderr.contains("/nonexistent/results.jsonl: no such file"))
    }
}
