import FramewiseCore
import Tracing

/// A swift-distributed-tracing `Tracer` that records spans as `SpanRecord`s and hands each
/// finished one to an exporter (a JSON-lines trace file, memory, or both). A span started in a
/// context that holds a span is that span's child in the same trace; otherwise it starts a new
/// trace. Contexts travel between processes as W3C `traceparent` values (`inject`/`extract`).
public struct RecordingTracer: Tracer {
    public typealias Span = RecordingSpan
    /// Where finished spans go.
    public let exporter: any SpanExporter

    public init(exporter: any SpanExporter) { self.exporter = exporter }

    public func startSpan<Instant: TracerInstant>(_ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
                                                  at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt) -> RecordingSpan {
        var context = context()
        let parent = context.spanIdentity
        let identity = SpanIdentity(traceID: parent?.traceID ?? SpanIdentity.randomHex(bytes: 16), spanID: SpanIdentity.randomHex(bytes: 8))
        context.spanIdentity = identity
        return RecordingSpan(name: operationName, identity: identity, parentID: parent?.spanID, context: context,
                             start: instant().nanosecondsSinceEpoch, exporter: exporter)
    }

    public func forceFlush() { exporter.flush() }

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
        where Inject.Carrier == Carrier
    {
        guard let identity = context.spanIdentity else { return }
        injector.inject(identity.traceparent, forKey: "traceparent", into: &carrier)
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
        where Extract.Carrier == Carrier
    {
        guard let value = extractor.extract(key: "traceparent", from: carrier), let identity = SpanIdentity(traceparent: value) else { return }
        context.spanIdentity = identity
    }
}
