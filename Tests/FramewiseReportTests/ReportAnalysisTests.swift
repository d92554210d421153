import FramewiseCore
@testable import FramewiseReport
import Testing

/// What the report computes from results and traces: time split, batch sizes, flagged frames, reading results back.
@Suite struct ReportAnalysisTests {
    @Test func timeSplitSumsStagesAndDecode() {
        let split = TimeSplit(videos: [ReportFixtures.video(0), ReportFixtures.video(1)])
        #expect(split.rows.map(\.label) == ["decode", "nsfw"])
        #expect(zip(split.totals, [2.0, 0.4, 0.2, 1.2, 0.2]).allSatisfy { abs($0 - $1) < 1e-9 }, "\(split.totals)")
        #expect(abs(split.shares.reduce(0, +) - 1) < 1e-9)
        #expect(abs(split.shares[3] - 1.2 / 4.0) < 1e-9)
    }

    @Test func aBatchSharedByVideosCountsOnce() {
        let spans = [ReportFixtures.batchSpan(trace: "a", batch: "b1", size: 6, frames: 2, end: 2_000_000_000),
                     ReportFixtures.batchSpan(trace: "b", batch: "b1", size: 6, frames: 4, end: 2_000_000_000),
                     ReportFixtures.batchSpan(trace: "a", batch: "b2", size: 1, frames: 1, end: 3_000_000_000)]
        let sizes = BatchSizes(spans: spans)
        #expect(sizes.stages.count == 1 && sizes.stages[0].model == "open-nsfw")
        #expect(sizes.stages[0].bins == [HistogramBin(value: 1, count: 1), HistogramBin(value: 6, count: 1)])
        #expect(sizes.mean(of: "nsfw") == 3.5)
        let throughput = Timeline.stageThroughput(spans: spans, origin: 1.5, bucket: 1)
        #expect(throughput.count == 1 && throughput[0].points.map(\.y) == [6, 1])
    }

    @Test func inFlightCountsOverlappingVideosAndNeverGoesNegative() {
        // Videos arrive 1 s apart and each is in the engine 2 s (0.5 to 2.5 s after its arrival): at most two overlap.
        let videos = (0..<4).map { ReportFixtures.video($0) }
        let series = Timeline.inFlight(videos: videos, origin: 1_700_000_000)
        #expect(series.map(\.name) == ["in the engine", "waiting at admission"])
        #expect(series[0].points.map(\.y).max() == 2 && series[0].points.last?.y == 0)
        #expect(series.allSatisfy { $0.points.allSatisfy { $0.y >= 0 } })
        #expect(series[1].points.map(\.y).max() == 1)
        #expect(Timeline.cdf([3, 1, 2]).map(\.y) == [0, 1.0 / 3, 2.0 / 3, 1])
    }

    @Test func flagsTheMostNSFWFrameAndFramesWithFaces() {
        let flagged = FlaggedFrames.pick(ReportFixtures.video(0), limit: 4)
        #expect(flagged.map(\.position) == [1, 2], "highest nsfw (frame 1, which has a face too), then the frame with most faces")
        #expect(flagged[0].reasons.contains("highest nsfw 0.8"))
        #expect(flagged[0].reasons.contains("faces: 1 box"))
        #expect(flagged[1].boxes.count == 2 && flagged[1].boxes[1] == FrameBox(stage: "faces", x1: 40, y1: 10, x2: 60, y2: 30))
        #expect(FlaggedFrames.pick(ReportFixtures.video(0), limit: 1).map(\.position) == [1])
    }

    @Test func cropBoxesCarryTheirText() {
        let frame = JSONValue.object([
            "index": .number(0), "time": .number(0),
            "det": .object(["count": .number(1), "boxes": .array([.object(["box": .array([1, 2, 3, 4].map(JSONValue.number)), "score": .number(0.9)])])]),
            "text": .array([.object(["box": .array([1, 2, 3, 4].map(JSONValue.number)), "text": .string("HELLO")])]),
        ])
        let boxes = FlaggedFrames.boxes(frame)
        #expect(boxes.count == 1 && boxes[0].label == "HELLO" && boxes[0].stage == "det")
    }

    @Test func resultsReadBackFromTheirJSON() throws {
        var stage = StageTime()
        stage.items = 3
        stage.inferenceSeconds = 0.25
        let result = VideoResult(video: "a \"b\".mp4", status: .ok, frames: [FrameResult(index: 0, time: 0.5, outputs: [JSONField("s", .number(1))])],
                                 summary: [JSONField("z", .number(2)), JSONField("a", .number(1))],
                                 stats: VideoStats(decodedFrames: 10, sampledFrames: 1, wallSeconds: 1.5, decodeSeconds: 0.125, stages: ["s": stage],
                                                   times: VideoTimes(arrived: 1_700_000_000.5, admitted: 1_700_000_000.75, finished: 1_700_000_002),
                                                   frameLatencies: [0.0425]))
        let failed = VideoResult(video: "bad.mp4", status: .failed, error: "cannot open: bad.mp4")
        let videos = try ResultsReader.parse(result.json.jsonText + "\n\n" + failed.json.jsonText + "\n", source: "r.jsonl")
        #expect(videos.count == 2)
        #expect(videos[0].path == "a \"b\".mp4" && videos[0].ok && videos[0].summary.map(\.key) == ["z", "a"], "summary keeps its order")
        #expect(videos[0].stages["s"]?.items == 3 && videos[0].stages["s"]?.inferenceSeconds == 0.25)
        #expect(videos[0].times?.admitted == 1_700_000_000.75 && videos[0].latency == 1.5)
        #expect(videos[0].frameLatencies == [0.0425] && videos[0].decodeSeconds == 0.125)
        #expect(videos[1].index == 1 && !videos[1].ok && videos[1].error == "cannot open: bad.mp4")
        #expect(throws: ReportError.self) { try ResultsReader.parse("{\"video\": 1}\n", source: "r.jsonl") }
        do {
            _ = try ResultsReader.parse("{\"video\": \"a\", \"status\": \"ok\"}\nnot json\n", source: "r.jsonl")
            Issue.record("a broken line is an error")
        } catch {
            #expect(error.input == "r.jsonl:2")
        }
    }
}
