import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing
import Tracing

/// Each video of a streaming run is one trace: a root span from arrival to result, and children
/// for admission, decoding, every stage batch that held its frames, and assembling the result.
@Suite struct VideoTraceTests {
    @Test func everyVideoIsOneTraceWithItsBatches() async throws {
        let slow = FakeSession.slow(name: "slow", width: 8, height: 8, seconds: 0.02, value: 0)
        let spec = PipelineSpec(name: "t", sampling: .uniform(3),
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8), batchLimit: 4)],
                                stages: [StageSpec(name: "s", model: "m")])
        let pipeline = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": slow]))
        let videos = try ["media/h264.mp4", "media/mpeg4.avi", "media/odd.mp4"].map { try Fixtures.require(Fixtures.path($0)) }
        let collector = SpanCollector()
        let engine = StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration(decoders: 3, workerThreads: 2),
                                     tracer: RecordingTracer(exporter: collector))
        let sink = MemorySink()
        let report = try await engine.run(videos: videos, sink: sink)
        #expect(report.videosOK == 3)
        let spans = collector.records
        let roots = spans.filter { $0.name == TraceVocabulary.video }
        #expect(roots.count == 3)
        #expect(Set(roots.map(\.traceID)).count == 3, "one trace per video")
        for root in roots {
            #expect(root.parentID == nil)
            let children = spans.filter { $0.traceID == root.traceID && $0.spanID != root.spanID }
            #expect(children.allSatisfy { $0.parentID == root.spanID }, "children of the video span")
            let names = Set(children.map(\.name))
            #expect(names.isSuperset(of: [TraceVocabulary.admission, TraceVocabulary.decode, TraceVocabulary.stage("s"), TraceVocabulary.assemble]))
            #expect(children.allSatisfy { $0.startUnixNano >= root.startUnixNano && $0.endUnixNano <= root.endUnixNano }, "inside the video's span")
            // The video's frames in its batch spans add up to its sampled frames.
            let frames = children.filter { $0.name == TraceVocabulary.stage("s") }
                .reduce(0) { $0 + Int($1.attribute(TraceVocabulary.Key.batchVideoFrames)?.number ?? 0) }
            #expect(frames == 3)
            #expect(root.attribute(TraceVocabulary.Key.videoStatus) == .string("ok"))
        }
        // A batch that mixed videos appears in each of their traces with the same id and size; sizes match the model's batches.
        var sizes: [String: Double] = [:]
        for span in spans where span.name == TraceVocabulary.stage("s") {
            guard case let .string(id)? = span.attribute(TraceVocabulary.Key.batchID), let size = span.attribute(TraceVocabulary.Key.batchSize)?.number else {
                Issue.record("batch span without id or size")
                continue
            }
            if let seen = sizes[id] { #expect(seen == size) }
            sizes[id] = size
        }
        #expect(sizes.values.map { Int($0) }.sorted() == slow.batchSizes.sorted())
        // The results carry the times and per-frame latencies the report draws.
        for result in await sink.results {
            let times = try #require(result.stats.times)
            #expect(times.arrived <= times.admitted && times.admitted <= times.finished)
            #expect(result.stats.frameLatencies.count == result.frames.count)
            let line = try JSONValue(parsing: result.json.jsonText)
            #expect(line["stats"]?["times_unix_ms"]?["finished"]?.number == (times.finished * 1000).rounded())
        }
    }

    @Test func spansRoundTripThroughTheTraceFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try JSONLinesSpanFile(path: path)
        let tracer = RecordingTracer(exporter: file)
        let root = tracer.startSpan("video", context: .topLevel)
        root.attributes.set("framewise.video.index", value: .int64(7))
        let child = tracer.startSpan("decode", context: root.context)
        child.end()
        root.end()
        try file.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let spans = try lines.map { try #require(SpanRecord(json: try JSONValue(parsing: String($0)))) }
        #expect(spans[0].name == "decode" && spans[1].name == "video")
        #expect(spans[0].parentID == spans[1].spanID && spans[0].traceID == spans[1].traceID)
        #expect(spans[1].traceID.count == 32 && spans[1].spanID.count == 16)
        #expect(spans[1].attribute("framewise.video.index") == .number(7))
        #expect(spans[1].startUnixNano <= spans[0].startUnixNano && spans[0].endUnixNano <= spans[1].endUnixNano)
    }
}
