import Foundation
import FramewiseCore

/// One mode's figures in a benchmark run.
public struct ModeFigures: Sendable {
    public var videos: Int
    public var failed: Int
    public var wallSeconds: Double
    public var videosPerSecond: Double
    public var framesPerSecond: Double
    public var p50Seconds: Double
    public var p99Seconds: Double
    /// Per-video latency from admission (equal to the above when no video waited).
    public var admittedP50Seconds: Double
    public var admittedP99Seconds: Double
    public var decodedFrames: Int
    public var decodeSeconds: Double
    public var stages: [String: StageTime]

    public init(report: RunReport) {
        videos = report.videos
        failed = report.videosFailed
        wallSeconds = report.wallSeconds
        videosPerSecond = report.videosPerSecond
        framesPerSecond = report.framesPerSecond
        p50Seconds = report.latencyPercentile(50)
        p99Seconds = report.latencyPercentile(99)
        admittedP50Seconds = report.admittedLatencyPercentile(50)
        admittedP99Seconds = report.admittedLatencyPercentile(99)
        decodedFrames = report.decodedFrames
        decodeSeconds = report.decodeSeconds
        stages = report.stages
    }

    /// Mean batch size per stage.
    public var meanBatch: [String: Double] {
        stages.mapValues { $0.batches > 0 ? Double($0.items) / Double($0.batches) : 0 }
    }

    public var json: JSONValue {
        let stageFields = stages.keys.sorted().map { name -> JSONField in
            let t = stages[name] ?? StageTime()
            return JSONField(name, .object([
                "items": .number(Double(t.items)), "batches": .number(Double(t.batches)),
                "mean_batch": .number(meanBatch[name] ?? 0),
                "preprocess_seconds": .number(t.preprocessSeconds), "queue_wait_seconds": .number(t.queueWaitSeconds),
                "inference_seconds": .number(t.inferenceSeconds), "postprocess_seconds": .number(t.postprocessSeconds),
            ]))
        }
        return .object([
            JSONField("videos", .number(Double(videos))), JSONField("failed", .number(Double(failed))),
            JSONField("wall_seconds", .number(wallSeconds)), JSONField("videos_per_second", .number(videosPerSecond)),
            JSONField("frames_per_second", .number(framesPerSecond)), JSONField("p50_seconds", .number(p50Seconds)),
            JSONField("p99_seconds", .number(p99Seconds)), JSONField("admitted_p50_seconds", .number(admittedP50Seconds)),
            JSONField("admitted_p99_seconds", .number(admittedP99Seconds)), JSONField("decoded_frames", .number(Double(decodedFrames))),
            JSONField("decode_seconds", .number(decodeSeconds)), JSONField("stages", .object(stageFields)),
        ])
    }

    /// A block of lines for the terminal.
    public func text(_ title: String) -> String {
        var lines = [String(format: "%@: %.3f videos/s  %.1f frames/s  from arrival p50 %.2f s  p99 %.2f s, from admission p50 %.2f s  p99 %.2f s  (%d videos, %d failed, %.1f s, %d frames decoded, decode %.2f s)",
                            title, videosPerSecond, framesPerSecond, p50Seconds, p99Seconds, admittedP50Seconds, admittedP99Seconds, videos, failed, wallSeconds, decodedFrames, decodeSeconds)]
        for name in stages.keys.sorted() {
            guard let t = stages[name] else { continue }
            lines.append(String(format: "    %-12@ mean batch %5.2f  preprocess %6.2f s  queue wait %6.2f s  inference %7.2f s  postprocess %5.2f s",
                                name as NSString, meanBatch[name] ?? 0, t.preprocessSeconds, t.queueWaitSeconds, t.inferenceSeconds, t.postprocessSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
