import Foundation
import FramewiseCore

/// Totals of a run: videos ok and failed, frames, wall time, and where the time went.
public struct RunReport: Sendable {
    public var videosOK = 0
    public var videosFailed = 0
    public var sampledFrames = 0
    public var decodedFrames = 0
    public var wallSeconds = 0.0
    public var decodeSeconds = 0.0
    public var stages: [String: StageTime] = [:]
    /// Per-video latency: seconds from the run's start (when every video was submitted) to its result.
    public var videoSeconds: [Double] = []
    /// Per-frame latency (streaming engine): seconds from a frame's decode to its last stage.
    public var frameSeconds: [Double] = []
    /// Failed videos and their errors.
    public var failures: [(video: String, error: String)] = []

    public init() {}

    /// Adds a video's result; `latency` is seconds from submission to result (default: its processing time).
    public mutating func add(_ result: VideoResult, latency: Double? = nil) {
        if result.status == .ok { videosOK += 1 } else {
            videosFailed += 1
            failures.append((result.video, result.error ?? "unknown error"))
        }
        sampledFrames += result.stats.sampledFrames
        decodedFrames += result.stats.decodedFrames
        decodeSeconds += result.stats.decodeSeconds
        videoSeconds.append(latency ?? result.stats.wallSeconds)
        for (name, t) in result.stats.stages { stages[name, default: StageTime()].add(t) }
    }

    public var videos: Int { videosOK + videosFailed }
    public var videosPerSecond: Double { wallSeconds > 0 ? Double(videos) / wallSeconds : 0 }
    public var framesPerSecond: Double { wallSeconds > 0 ? Double(sampledFrames) / wallSeconds : 0 }

    /// The `p`-th percentile (0...100) of per-video latency, nearest rank.
    public func latencyPercentile(_ p: Double) -> Double { Self.percentile(p, of: videoSeconds) }

    /// The `p`-th percentile (0...100) of per-frame latency, nearest rank (0 when not recorded).
    public func frameLatencyPercentile(_ p: Double) -> Double { Self.percentile(p, of: frameSeconds) }

    static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// A readable multi-line summary for the terminal.
    public var text: String {
        var lines: [String] = []
        lines.append(String(format: "videos: %d ok, %d failed   frames: %d sampled (%d decoded)", videosOK, videosFailed, sampledFrames, decodedFrames))
        lines.append(String(format: "wall: %.2f s   %.2f videos/s   %.1f frames/s   latency from submission p50 %.2f s, p99 %.2f s",
                            wallSeconds, videosPerSecond, framesPerSecond, latencyPercentile(50), latencyPercentile(99)))
        if !frameSeconds.isEmpty {
            lines.append(String(format: "frame latency (decode to last stage): p50 %.3f s, p99 %.3f s, max %.3f s",
                                frameLatencyPercentile(50), frameLatencyPercentile(99), frameSeconds.max() ?? 0))
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
}
