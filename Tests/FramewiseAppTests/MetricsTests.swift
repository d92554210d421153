import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The engine's metrics in Prometheus' text format move consistently with the results.
@Suite struct MetricsTests {
    /// `name{labels} value` lines of the text format, for one metric name, by their label text.
    static func samples(_ text: String, _ name: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            let key = String(parts[0])
            guard key == name || key.hasPrefix(name + "{") else { continue }
            out[key] = value
        }
        return out
    }

    static func total(_ text: String, _ name: String, where filter: (String) -> Bool = { _ in true }) -> Double {
        samples(text, name).filter { filter($0.key) }.values.reduce(0, +)
    }

    @Test func countersAndHistogramsMatchTheRun() async throws {
        let dir = try BuildApplicationTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prometheus = PrometheusMetrics()
        let app = try buildApplication(AppConfiguration(pipelinePath: try BuildApplicationTests.tinyPipeline(in: dir),
                                                        engine: EngineConfiguration(decoders: 2, workerThreads: 2), metrics: prometheus.factory))
        let videos = [try Fixtures.require(Fixtures.path("media/h264.mp4")), try Fixtures.require(Fixtures.path("media/mpeg4.avi")),
                      Fixtures.path("media/not-there.mp4")]
        let sink = MemorySink()
        let report = try await app.run(videos: videos, sink: sink)
        let text = prometheus.text()
        let stage = try #require(report.stages["classify"])

        #expect(Self.total(text, "framewise_videos_total", where: { $0.contains("status=\"ok\"") }) == Double(report.videosOK))
        #expect(Self.total(text, "framewise_videos_total", where: { $0.contains("status=\"failed\"") }) == 1)
        #expect(Self.total(text, "framewise_stage_items_total") == Double(stage.items))
        #expect(Self.total(text, "framewise_stage_batches_total") == Double(stage.batches))
        #expect(Self.total(text, "framewise_sampled_frames_total") == Double(report.sampledFrames))
        #expect(Self.total(text, "framewise_decoded_frames_total") == Double(report.decodedFrames))
        // Histograms: one observation per batch, per video and per frame.
        #expect(Self.total(text, "framewise_stage_batch_size_count") == Double(stage.batches))
        #expect(Self.total(text, "framewise_stage_batch_size_sum") == Double(stage.items))
        #expect(Self.total(text, "framewise_stage_inference_seconds_count") == Double(stage.batches))
        #expect(Self.total(text, "framewise_video_latency_seconds_count") == Double(report.videos))
        #expect(Self.total(text, "framewise_frame_latency_seconds_count") == Double(report.frameSeconds.count))
        #expect(Self.samples(text, "framewise_videos_in_flight").values.allSatisfy { $0 == 0 }, "nothing in flight after the run")
        // Labels stay bounded: the pipeline and the stage, never a video's path.
        #expect(!text.contains("h264.mp4") && !text.contains("not-there"))
        #expect(text.contains("pipeline=\"tiny\"") && text.contains("stage=\"classify\""))
    }
}
