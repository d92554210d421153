import FramewiseCore
@testable import FramewiseReport

/// Results and spans shaped like the moderation example's, for the report's unit tests.
enum ReportFixtures {
    static func frame(_ index: Int, nsfw: Double, faces: [[Double]]) -> JSONValue {
        .object([
            "index": .number(Double(index)), "time": .number(Double(index) * 0.5),
            "nsfw": .object(["top": .array([]), "scores": .object(["sfw": .number(1 - nsfw), "nsfw": .number(nsfw)])]),
            "faces": .object(["count": .number(Double(faces.count)),
                              "boxes": .array(faces.map { .object(["box": .array($0.map(JSONValue.number)), "score": .number(0.9)]) })]),
        ])
    }

    static func video(_ index: Int, ok: Bool = true) -> ReportVideo {
        var stage = StageTime()
        stage.items = 4
        stage.batches = 2
        stage.queueWaitSeconds = 0.2
        stage.preprocessSeconds = 0.1
        stage.inferenceSeconds = 0.6
        stage.postprocessSeconds = 0.1
        let t0 = 1_700_000_000.0 + Double(index)
        return ReportVideo(index: index, path: "videos/clip\(index).mp4", ok: ok, error: ok ? nil : "cannot open: videos/clip\(index).mp4",
                           summary: ok ? [JSONField("max_nsfw", .number(0.8))] : [],
                           frames: ok ? [frame(0, nsfw: 0.1, faces: []), frame(1, nsfw: 0.8, faces: [[1, 2, 30, 40]]),
                                         frame(2, nsfw: 0.2, faces: [[5, 5, 20, 20], [40, 10, 60, 30]]), frame(3, nsfw: 0.05, faces: [])] : [],
                           sampledFrames: ok ? 4 : 0, decodeSeconds: 1.0, wallSeconds: 2, stages: ok ? ["nsfw": stage] : [:],
                           times: VideoTimes(arrived: t0, admitted: t0 + 0.5, finished: t0 + 2.5, deadline: t0 + 3),
                           frameLatencies: ok ? [0.1, 0.2, 0.3, 0.4] : [])
    }

    static func batchSpan(trace: String, batch: String, size: Int, frames: Int, end: UInt64) -> SpanRecord {
        SpanRecord(traceID: trace, spanID: "\(batch)\(trace)", parentID: "root", name: "stage nsfw", startUnixNano: end - 1_000_000, endUnixNano: end,
                   attributes: [JSONField(TraceVocabulary.Key.stage, .string("nsfw")), JSONField(TraceVocabulary.Key.model, .string("open-nsfw")),
                                JSONField(TraceVocabulary.Key.batchID, .string(batch)), JSONField(TraceVocabulary.Key.batchSize, .number(Double(size))),
                                JSONField(TraceVocabulary.Key.batchVideoFrames, .number(Double(frames)))])
    }
}
