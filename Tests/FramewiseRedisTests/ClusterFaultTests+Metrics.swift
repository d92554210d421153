import Foundation
import FramewiseRuntime
import FramewiseTesting
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ClusterFaultTests {
    /// The sum of every sample line starting with `prefix` in Prometheus' text format.
    static func metric(_ text: String, _ prefix: String) -> Double {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("worker --metrics-bind serves Prometheus metrics that move with the run's results")
    func workerMetrics() async throws {
        let harness = try await ClusterHarness()
        let videos = try harness.videos(10)
        try harness.startWorker(["--metrics-bind", "127.0.0.1:0"])
        #expect(await harness.waitForLog("worker.log", containing: "/metrics"), "the worker says where\n\(harness.logs())")
        let line = harness.log("worker.log").split(separator: "\n").first { $0.contains("metrics at http://") }
        let url = try #require(line.flatMap { $0.split(separator: " ").last }.flatMap { URL(string: String($0)) })
        let output = harness.directory.appendingPathComponent("out.jsonl")
        let run = try harness.startRun(videos, output: output)
        #expect(await run.exitStatus(timeout: .seconds(300)) == 0, "run exit\n\(harness.logs())")
        let results = try ClusterHarness.results(output)
        let sampled = results.compactMap { ($0["frames"] as? [Any])?.count }.reduce(0, +)
        let decoded = results.compactMap { ($0["stats"] as? [String: Any])?["decoded_frames"] as? Int }.reduce(0, +)
        #expect(sampled > 0)
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        // The one worker ran every stage: each stage's items are the run's sampled frames.
        for stage in ["left", "right", "head"] {
            #expect(Self.metric(text, "framewise_stage_items_total{pipeline=\"synthetic\",stage=\"\(stage)\"}") == Double(sampled), "\(stage)\n\(text.prefix(2000))")
            #expect(Self.metric(text, "framewise_stage_batches_total{pipeline=\"synthetic\",stage=\"\(stage)\"}") >= 1)
        }
        #expect(Self.metric(text, "framewise_sampled_frames_total") == Double(sampled))
        #expect(Self.metric(text, "framewise_decoded_frames_total") == Double(decoded))
        // No faults: nothing redelivered or dead-lettered; the broker's gauges are there.
        #expect(Self.metric(text, "framewise_broker_redelivered_total") == 0)
        #expect(Self.metric(text, "framewise_broker_dead_lettered_total") == 0)
        #expect(text.contains("framewise_broker_pending_messages{"))
        #expect(!text.contains("h264.mp4"), "no paths in labels")
        await harness.stopWorkers()
    }
}
