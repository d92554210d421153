import FramewiseCore
import Synchronization
import Tracing

/// A span of `RecordingTracer`: collects attributes, status and links, and hands itself to the
/// tracer's exporter as a `SpanRecord` when it ends (once; later ends are ignored).
public final class RecordingSpan: Span {
    private struct State {
        var name: String
        var attributes = SpanAttributes()
        var status: SpanStatus?
        var links: [SpanLinkRecord] = []
        var ended = false
    }

    public let context: InstrumentationContext
    let identity: SpanIdentity
    let parentID: String?
    let startUnixNano: UInt64
    private let state: Mutex<State>
    private let exporter: any SpanExporter

    init(name: String, identity: SpanIdentity, parentID: String?, context: InstrumentationContext, start: UInt64, exporter: any SpanExporter) {
        self.identity = identity
        self.parentID = parentID
        self.context = context
        self.startUnixNano = start
        self.exporter = exporter
        state = Mutex(State(name: name))
    }

    public var operationName: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    public var isRecording: Bool { state.withLock { !$0.ended } }

    public func setStatus(_ status: SpanStatus) { state.withLock { $0.status = status } }

    /// Events are not recorded (traces carry spans only).
    public func addEvent(_ event: SpanEvent) {}

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        state.withLock { $0.attributes.set("error.message", value: .string("\(error)")) }
    }

    public func addLink(_ link: SpanLink) {
        guard let other = link.context.spanIdentity else { return }
        state.withLock { $0.links.append(SpanLinkRecord(traceID: other.traceID, spanID: other.spanID)) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        let finished: State? = state.withLock { s in
            guard !s.ended else { return nil }
            s.ended = true
            return s
        }
        guard let finished else { return }
        exporter.export(SpanRecord(traceID: identity.traceID, spanID: identity.spanID, parentID: parentID, name: finished.name,
                                   startUnixNano: startUnixNano, endUnixNano: max(end, startUnixNano),
                                   attributes: Self.fields(finished.attributes), links: finished.links,
                                   status: finished.status.map { $0.code == .ok ? "ok" : "error" }))
    }

    /// Attributes as JSON fields, sorted by key (a dictionary has no order of its own).
    static func fields(_ attributes: SpanAttributes) -> [JSONField] {
        var fields: [JSONField] = []
        attributes.forEach { key, value in fields.append(JSONField(key, json(value))) }
        return fields.sorted { $0.key < $1.key }
    }

    static func json(_ value: SpanAttribute) -> JSONValue {
        switch value {
        case let .int32(v): .number(Double(v))
        case let .int64(v): .number(Double(v))
        case let .double(v): .number(v)
        case let .bool(v): .bool(v)
        case let .string(v): .string(v)
        case let .int32Array(v): .array(v.map { .number(Double($0)) })
        case let .int64Array(v): .array(v.map { .number(Double($0)) })
        case let .doubleArray(v): .array(v.map { .number($0) })
        case let .boolArray(v): .array(v.map { .bool($0) })
        case let .stringArray(v): .array(v.map { .string($0) })
        case let .stringConvertible(v): .string(v.description)
        case let .stringConvertibleArray(v): .array(v.map { .string($0.description) })
        default: .null
        }
    }
}
