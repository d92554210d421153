import Foundation
import FramewiseCore

/// Reads a results file (`framewise run --output`, one JSON object per line) into `ReportVideo`s.
public enum ResultsReader {
    /// Reads `path`; a line that is not a result is an error naming the file and line.
    public static func read(path: String) throws(ReportError) -> [ReportVideo] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(input: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses results text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(ReportError) -> [ReportVideo] {
        var videos: [ReportVideo] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let json: JSONValue
            do { json = try JSONValue(parsing: trimmed) } catch {
                throw ReportError(input: "\(source):\(n + 1)", reason: error.description)
            }
            guard let video = video(json, index: videos.count) else {
                throw ReportError(input: "\(source):\(n + 1)", reason: "not a result line (needs \"video\" and \"status\")")
            }
            videos.append(video)
        }
        return videos
    }

    /// One result line as a `ReportVideo` (nil without `video` and `status`).
    public static func video(_ json: JSONValue, index: Int) -> ReportVideo? {
        guard case let .string(path)? = json["video"], case let .string(status)? = json["status"] else { return nil }
        var video = ReportVideo(index: index, path: path, ok: status == "ok")
        if case let .string(error)? = json["error"] { video.error = error }
        if case let .object(fields)? = json["summary"] { video.summary = fields }
        if case let .array(frames)? = json["frames"] { video.frames = frames }
        if let stats = json["stats"] {
            video.sampledFrames = Int(stats["sampled_frames"]?.number ?? Double(video.frames.count))
            video.decodeSeconds = (stats["decode_ms"]?.number ?? 0) / 1000
            video.wallSeconds = (stats["wall_ms"]?.number ?? 0) / 1000
            if case let .object(stages)? = stats["stages"] {
                for stage in stages { video.stages[stage.key] = stageTime(stage.value) }
            }
            video.times = stats["times_unix_ms"].flatMap(VideoTimes.init(json:))
            if case let .array(latencies)? = stats["frame_latency_ms"] { video.frameLatencies = latencies.compactMap { $0.number.map { $0 / 1000 } } }
        }
        return video
    }

    private static func stageTime(_ json: JSONValue) -> StageTime {
        var t = StageTime()
        t.items = Int(json["items"]?.number ?? 0)
        t.batches = Int(json["batches"]?.number ?? 0)
        t.queueWaitSeconds = (json["queue_wait_ms"]?.number ?? 0) / 1000
        t.preprocessSeconds = (json["preprocess_ms"]?.number ?? 0) / 1000
        t.inferenceSeconds = (json["inference_ms"]?.number ?? 0) / 1000
        t.postprocessSeconds = (json["postprocess_ms"]?.number ?? 0) / 1000
        t.dropped = Int(json["dropped"]?.number ?? 0)
        t.late = Int(json["late"]?.number ?? 0)
        return t
    }
}
