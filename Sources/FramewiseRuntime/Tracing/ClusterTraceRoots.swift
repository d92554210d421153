import FramewiseCore
import Synchronization
import Tracing

/// The root spans of a distributed run's videos, held by the process that submits them: each
/// video's trace starts at submission and ends when its result is written; decoders and stage
/// workers in other processes add their spans to it through the messages' `traceparent`.
final class ClusterTraceRoots: Sendable {
    private let roots = Mutex<[Int: any Span]>([:])

    /// The video's `traceparent`, its root span started on first use (a resubmission keeps it).
    func traceparent(_ video: Int, path: String, pipeline: String, tracer: any Tracer) -> String? {
        roots.withLock { r in
            if let span = r[video] { return span.context.spanIdentity?.traceparent }
            let span = tracer.startSpan(TraceVocabulary.video, context: .topLevel, ofKind: .producer, at: DefaultTracerClock.now,
                                        function: #function, file: #fileID, line: #line)
            span.attributes.set(TraceVocabulary.Key.videoIndex, value: .int64(Int64(video)))
            span.attributes.set(TraceVocabulary.Key.videoPathHash, value: .string(TraceVocabulary.pathHash(path)))
            span.attributes.set(TraceVocabulary.Key.pipeline, value: .string(pipeline))
            r[video] = span
            return span.context.spanIdentity?.traceparent
        }
    }

    /// The video's result was written: its trace ends.
    func finished(_ video: Int, result: VideoResult) {
        guard let span = roots.withLock({ $0.removeValue(forKey: video) }) else { return }
        span.attributes.set(TraceVocabulary.Key.videoStatus, value: .string(result.status.rawValue))
        span.attributes.set(TraceVocabulary.Key.framesSampled, value: .int64(Int64(result.stats.sampledFrames)))
        if let error = result.error { span.setStatus(SpanStatus(code: .error, message: error)) }
        span.end()
    }
}
