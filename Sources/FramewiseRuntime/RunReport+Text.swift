import Foundation
import FramewiseCore

extension RunReport {
    /// A readable multi-line summary for the terminal.
    public var text: String {
        var lines: [String] = []
        lines.append(String(format: "videos: %d ok, %d failed   frames: %d sampled (%d decoded)", videosOK, videosFailed, sampledFrames, decodedFrames))
        lines.append(String(format: "wall: %.2f s   %.2f videos/s (ok videos only%@)   %.1f frames/s", wallSeconds, videosPerSecond,
                            (videosFailed > 0 ? ", \(videosFailed) failed not counted" : "") as NSString, framesPerSecond)
                     + loadText)
        lines.append(String(format: "video latency from arrival: p50 %.2f s, p99 %.2f s   from admission: p50 %.2f s, p99 %.2f s",
                            latencyPercentile(50), latencyPercentile(99), admittedLatencyPercentile(50), admittedLatencyPercentile(99)))
        if let slo, let attainment = sloAttainment, let goodput {
            lines.append(String(format: "SLO %.3g s: %d of %d videos within it with no frame dropped (%.1f%%), goodput %.2f videos/s; %d frames dropped",
                                slo, videosWithinSLO, videos, attainment * 100, goodput, droppedFrames))
        }
        if !frameSeconds.isEmpty {
            lines.append(String(format: "frame latency (decode to last stage): p50 %.3f s, p99 %.3f s, max %.3f s; at most %d frames inside the pipeline",
                                frameLatencyPercentile(50), frameLatencyPercentile(99), frameSeconds.max() ?? 0, peakFramesInPipeline))
        }
        lines.append(String(format: "time per stage (summed over videos): decode %.2f s", decodeSeconds))
        for name in stages.keys.sorted() {
            guard let t = stages[name] else { continue }
            let mean = t.batches > 0 ? Double(t.items) / Double(t.batches) : 0
            lines.append(String(format: "  %-14@ items %6d  batches %5d (mean %.1f)  preprocess %.2f s  inference %.2f s  postprocess %.2f s",
                                name as NSString, t.items, t.batches, mean, t.preprocessSeconds, t.inferenceSeconds, t.postprocessSeconds))
            if t.dropped > 0 || t.late > 0 {
                lines.append(String(format: "  %-14@ frames dropped before running (deadline) %d, late %d", name as NSString, t.dropped, t.late))
            }
        }
        for f in failures.prefix(20) { lines.append("  failed: \(f.video): \(f.error)") }
        if failures.count > 20 { lines.append("  ... and \(failures.count - 20) more failures") }
        return lines.joined(separator: "\n")
    }

    private var loadText: String {
        var parts: [String] = []
        if let offeredRate {
            parts.append(String(format: "offered %.3g videos/s", offeredRate))
            if let arrivalRate, abs(arrivalRate - offeredRate) > 1e-9 { parts.append(String(format: "arrived at %.3g videos/s", arrivalRate)) }
            if let completionRate { parts.append(String(format: "completed at %.3g videos/s", completionRate)) }
        }
        if let maxInFlight { parts.append("at most \(maxInFlight) in flight") }
        return parts.isEmpty ? "   (all submitted at once)" : "   (" + parts.joined(separator: ", ") + ")"
    }

    /// The figures as JSON (for `run --json` and `bench --json`).
    public var json: JSONValue {
        func pct(_ values: [Double]) -> JSONValue {
            .object([JSONField("p50", .number(Self.percentile(50, of: values))), JSONField("p99", .number(Self.percentile(99, of: values)))])
        }
        var fields: [JSONField] = [
            JSONField("videos", .number(Double(videos))), JSONField("videos_ok", .number(Double(videosOK))),
            JSONField("videos_failed", .number(Double(videosFailed))), JSONField("frames", .number(Double(sampledFrames))),
            JSONField("wall_seconds", .number(wallSeconds)), JSONField("videos_per_second", .number(videosPerSecond)),
            JSONField("frames_per_second", .number(framesPerSecond)),
            JSONField("completion_rate", completionRate.map { .number($0) } ?? .null),
            JSONField("offered_rate", offeredRate.map { .number($0) } ?? .null),
            JSONField("arrival_rate", arrivalRate.map { .number($0) } ?? .null),
            JSONField("max_in_flight", maxInFlight.map { .number(Double($0)) } ?? .null),
            JSONField("latency_from_arrival", pct(videoSeconds)), JSONField("latency_from_admission", pct(admittedSeconds)),
            JSONField("frame_latency", pct(frameSeconds)),
            JSONField("peak_frames_in_pipeline", .number(Double(peakFramesInPipeline))),
            JSONField("slo_seconds", slo.map { .number($0) } ?? .null),
            JSONField("slo_attainment", sloAttainment.map { .number($0) } ?? .null),
            JSONField("goodput", goodput.map { .number($0) } ?? .null),
            JSONField("dropped_frames", .number(Double(droppedFrames))),
            JSONField("interrupted", .bool(interrupted)),
        ]
        fields.append(JSONField("stages", .object(stages.keys.sorted().compactMap { name in
            guard let t = stages[name] else { return nil }
            return JSONField(name, .object([
                JSONField("items", .number(Double(t.items))), JSONField("batches", .number(Double(t.batches))),
                JSONField("mean_batch", .number(t.batches > 0 ? Double(t.items) / Double(t.batches) : 0)),
                JSONField("dropped", .number(Double(t.dropped))),
            ]))
        })))
        return .object(fields)
    }
}
