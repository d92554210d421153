import FramewiseCore
@testable import FramewiseReport
import Testing

/// The whole page: every section and chart, one row per video, nothing loaded from elsewhere.
@Suite struct ReportPageTests {
    static func page(spans: [SpanRecord] = [], thumbnails: [Int: Result<[Thumbnail], ReportError>] = [:]) -> String {
        let videos = [ReportFixtures.video(0), ReportFixtures.video(1, ok: false), ReportFixtures.video(2)]
        return ReportPage.html(ReportInput(title: "Report <moderation>", sources: ["results: r.jsonl"], videos: videos, spans: spans,
                                           slo: 2.2, thumbnails: thumbnails))
    }

    @Test func hasEveryChartAndOneRowPerVideo() {
        let spans = [ReportFixtures.batchSpan(trace: "a", batch: "b1", size: 6, frames: 2, end: 1_700_000_001_000_000_000)]
        let html = Self.page(spans: spans)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for id in ["chart-time-split", "chart-batch-nsfw", "chart-throughput", "chart-in-flight", "chart-latency-video", "chart-latency-frame", "videos"] {
            #expect(html.contains("id=\"\(id)\""), "\(id)")
        }
        #expect(ChartTests.count("class=\"video-row\"", in: html) == 3)
        #expect(html.contains("data-status=\"failed\"") && html.contains("cannot open: videos/clip1.mp4"))
        #expect(html.contains("Report &lt;moderation&gt;"))
        #expect(html.contains("SLO 2.20 s"), "the SLO line on the per-video CDF")
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\"http"), "self-contained")
    }

    @Test func withoutATraceBatchMeansComeFromTheResults() {
        let html = Self.page()
        #expect(!html.contains("chart-batch-"))
        #expect(html.contains("id=\"batch-means\"") && html.contains("run with --trace"))
    }

    @Test func thumbnailsAreDataURIsWithBoxesOver() {
        let flagged = FlaggedFrames.pick(ReportFixtures.video(0))
        let thumb = Thumbnail(frame: flagged[1], base64: "/9j/AAAA", width: 160, height: 120, sourceWidth: 320, sourceHeight: 240)
        let html = Self.page(thumbnails: [0: .success([thumb]), 2: .failure(ReportError(input: "videos/clip2.mp4", reason: "no such file"))])
        #expect(html.contains("src=\"data:image/jpeg;base64,/9j/AAAA\""))
        #expect(html.contains("viewBox=\"0 0 320 240\""), "boxes are drawn in frame pixels")
        #expect(ChartTests.count("class=\"box\"", in: html) == 2)
        #expect(html.contains("no thumbnails: videos/clip2.mp4: no such file"))
    }
}
