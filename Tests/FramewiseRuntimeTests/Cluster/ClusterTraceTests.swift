import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// A distributed run keeps one trace per video across processes: the run starts each video's
/// trace, and the worker's decoding and batches join it through the messages' `traceparent`.
@Suite struct ClusterTraceTests {
    @Test func workersAddTheirSpansToTheTracesTheRunStarted() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 4)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        let videos = try ["media/h264.mp4", "media/mpeg4.avi"].map { try Fixtures.require(Fixtures.path($0)) }
        let frames = InProcessBroker<FrameMessage>()
        let messages = InProcessBroker<VideoMessage>()
        let store = InMemoryJobStore()
        let storage = InMemoryFrameStorage()
        // Two "processes": the submitting run and a worker, each with its own exporter.
        let runSpans = SpanCollector(), workerSpans = SpanCollector()
        let worker = try ClusterWorker(pipeline: pipeline, configuration: EngineConfiguration(decoders: 2, workerThreads: 2), stages: nil,
                                       frameBroker: frames, videoBroker: messages, store: store, frames: storage,
                                       options: ClusterOptions(reclaimAfter: .seconds(30)), tracer: RecordingTracer(exporter: workerSpans))
        let serving = Task { await worker.run() }
        var run = ClusterRun(pipeline: pipeline, frameBroker: frames, videoBroker: messages, store: store, frames: storage)
        run.tracer = RecordingTracer(exporter: runSpans)
        let report = try await run.run(videos: videos, sink: MemorySink())
        serving.cancel()
        await serving.value
        #expect(report.videosOK == 2)

        let roots = runSpans.records.filter { $0.name == TraceVocabulary.video }
        #expect(roots.count == 2 && Set(roots.map(\.traceID)).count == 2, "one trace per video, started by the run")
        let spans = workerSpans.records
        for root in roots {
            let mine = spans.filter { $0.traceID == root.traceID }
            #expect(mine.contains { $0.name == TraceVocabulary.decode }, "the worker's decoding is in the video's trace")
            for stage in spec.stages.map(\.name) {
                #expect(mine.contains { $0.name == TraceVocabulary.stage(stage) }, "stage \(stage) batches in the video's trace")
            }
            #expect(mine.allSatisfy { $0.parentID == root.spanID }, "children of the video's root span")
        }
        #expect(spans.allSatisfy { span in roots.contains { $0.traceID == span.traceID } }, "no span outside the videos' traces")
    }
}
