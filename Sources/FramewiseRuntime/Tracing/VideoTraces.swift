import FramewiseCore
import Synchronization
import Tracing

/// The traces of one engine's videos: each video is one trace whose root span runs from its
/// arrival to its result, with children for the wait at admission, decoding, every stage batch
/// that held its frames (a batch mixing videos appears in each of their traces, with the same
/// batch id and size) and assembling the result.
final class VideoTraces: Sendable {
    private struct Open: Sendable {
        let root: any Span
        var admission: (any Span)?
        var decode: (any Span)?
    }

    let tracer: any Tracer
    let pipeline: String
    private let open = Mutex<[Int: Open]>([:])

    init(tracer: any Tracer, pipeline: String) {
        self.tracer = tracer
        self.pipeline = pipeline
    }

    private func start(_ name: String, in context: InstrumentationContext) -> any Span {
        tracer.startSpan(name, context: context, ofKind: .internal, at: DefaultTracerClock.now, function: #function, file: #fileID, line: #line)
    }

    /// The video arrived: its trace starts, and with it the wait at admission.
    func arrived(_ video: Int, path: String) {
        let root = start(TraceVocabulary.video, in: .topLevel)
        root.attributes.set(TraceVocabulary.Key.videoIndex, value: .int64(Int64(video)))
        root.attributes.set(TraceVocabulary.Key.videoPathHash, value: .string(TraceVocabulary.pathHash(path)))
        root.attributes.set(TraceVocabulary.Key.pipeline, value: .string(pipeline))
        let admission = start(TraceVocabulary.admission, in: root.context)
        open.withLock { $0[video] = Open(root: root, admission: admission) }
    }

    /// The video was admitted into the engine.
    func admitted(_ video: Int) {
        let span = open.withLock { o -> (any Span)? in
            defer { o[video]?.admission = nil }
            return o[video]?.admission
        }
        span?.end()
    }

    /// Fetching the video's URL: runs `fetch` inside a "download" span of the video's trace.
    func download<T>(_ video: Int, _ fetch: () async throws -> T) async rethrows -> T {
        let root = open.withLock { $0[video]?.root }
        guard let root else { return try await fetch() }
        let span = start(TraceVocabulary.download, in: root.context)
        do {
            let value = try await fetch()
            span.end()
            return value
        } catch {
            span.setStatus(SpanStatus(code: .error, message: "\(error)"))
            span.end()
            throw error
        }
    }

    /// Decoding starts.
    func decodeStarted(_ video: Int) {
        open.withLock { o in
            guard let root = o[video]?.root else { return }
            o[video]?.decode = start(TraceVocabulary.decode, in: root.context)
        }
    }

    /// Decoding ended (with an error, or none).
    func decodeFinished(_ video: Int, decoded: Int, sampled: Int, error: String?) {
        let span = open.withLock { o -> (any Span)? in
            defer { o[video]?.decode = nil }
            return o[video]?.decode
        }
        guard let span else { return }
        span.attributes.set(TraceVocabulary.Key.framesDecoded, value: .int64(Int64(decoded)))
        span.attributes.set(TraceVocabulary.Key.framesSampled, value: .int64(Int64(sampled)))
        if let error { span.setStatus(SpanStatus(code: .error, message: error)) }
        span.end()
    }

    /// One stage batch: a span in the trace of each video it held.
    func batch(_ batch: TracedBatch) {
        let roots = open.withLock { o in batch.videos.keys.compactMap { key in o[key.video].map { (key, $0.root) } } }
        for (key, root) in roots {
            guard let share = batch.videos[key] else { continue }
            batch.record(share, in: root.context, tracer: tracer)
        }
    }

    /// The video finished: `assemble` builds its result inside an "assemble" span, then the trace ends.
    func finished(_ video: Int, assemble: () -> VideoResult) -> VideoResult {
        guard let state = open.withLock({ $0.removeValue(forKey: video) }) else { return assemble() }
        state.admission?.end()
        state.decode?.end()
        let span = start(TraceVocabulary.assemble, in: state.root.context)
        let result = assemble()
        span.end()
        state.root.attributes.set(TraceVocabulary.Key.videoStatus, value: .string(result.status.rawValue))
        state.root.attributes.set(TraceVocabulary.Key.framesSampled, value: .int64(Int64(result.stats.sampledFrames)))
        if let error = result.error { state.root.setStatus(SpanStatus(code: .error, message: error)) }
        state.root.end()
        return result
    }
}

/// One stage batch as traces record it: when it ran and, per video, its share.
struct TracedBatch: Sendable {
    /// A video of the batch: its job (distributed runs) and index.
    struct Key: Hashable, Sendable {
        var job: String?
        var video: Int
    }
    struct Share: Sendable {
        /// The video's trace as the frames carried it (`traceparent`; nil in one process).
        var traceparent: String?
        var frames = 0
        var items = 0
        /// The longest wait of this video's frames in the stage's queue.
        var queueWaitSeconds = 0.0
    }
    let stage: String
    let model: String
    let id: String
    /// Items in the whole batch.
    let size: Int
    let startUnixNano: UInt64
    let endUnixNano: UInt64
    /// The whole batch's preprocess, inference and postprocess time.
    let time: StageTime
    let videos: [Key: Share]

    /// A "stage NAME" span for one video's share of the batch, child of `parent`'s span.
    func record(_ share: Share, in parent: InstrumentationContext, tracer: any Tracer) {
        let span = tracer.startSpan(TraceVocabulary.stage(stage), context: parent, ofKind: .internal,
                                    at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: startUnixNano),
                                    function: #function, file: #fileID, line: #line)
        var a = SpanAttributes()
        a.set(TraceVocabulary.Key.stage, value: .string(stage))
        a.set(TraceVocabulary.Key.model, value: .string(model))
        a.set(TraceVocabulary.Key.batchID, value: .string(id))
        a.set(TraceVocabulary.Key.batchSize, value: .int64(Int64(size)))
        a.set(TraceVocabulary.Key.batchVideoItems, value: .int64(Int64(share.items)))
        a.set(TraceVocabulary.Key.batchVideoFrames, value: .int64(Int64(share.frames)))
        a.set(TraceVocabulary.Key.queueWaitMs, value: .double(share.queueWaitSeconds * 1000))
        a.set(TraceVocabulary.Key.preprocessMs, value: .double(time.preprocessSeconds * 1000))
        a.set(TraceVocabulary.Key.inferenceMs, value: .double(time.inferenceSeconds * 1000))
        a.set(TraceVocabulary.Key.postprocessMs, value: .double(time.postprocessSeconds * 1000))
        span.attributes = a
        span.end(at: DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: endUnixNano))
    }
}
