import Foundation
import FramewiseCore
import Synchronization

/// Where finished spans go: a trace file, memory, or both.
public protocol SpanExporter: Sendable {
    /// Takes one finished span. Must not block for long (called where the span ends).
    func export(_ span: SpanRecord)
    /// Writes out whatever is buffered.
    func flush()
}

/// Keeps every finished span in memory (for `run --report` and tests).
public final class SpanCollector: SpanExporter {
    private let spans = Mutex<[SpanRecord]>([])
    public init() {}
    public func export(_ span: SpanRecord) { spans.withLock { $0.append(span) } }
    public func flush() {}
    /// The spans finished so far, in the order they ended.
    public var records: [SpanRecord] { spans.withLock { $0 } }
}

/// Hands each span to several exporters.
public struct SpanFanOut: SpanExporter {
    public let exporters: [any SpanExporter]
    public init(_ exporters: [any SpanExporter]) { self.exporters = exporters }
    public func export(_ span: SpanRecord) { for e in exporters { e.export(span) } }
    public func flush() { for e in exporters { e.flush() } }
}

/// A trace file: one JSON line per finished span, appended as spans end (buffered; written when
/// a trace's root span ends, every 64 spans, and by `flush`). The first write error is kept and
/// reported by `close`.
public final class JSONLinesSpanFile: SpanExporter {
    private struct State {
        var handle: FileHandle?
        var buffer = ""
        var pending = 0
        var error: String?
    }
    public let path: String
    private let state: Mutex<State>

    /// Creates (or truncates) `path`; throws `ResultWriteError` naming the file when it cannot.
    public init(path: String) throws(ResultWriteError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ResultWriteError(destination: path, reason: "cannot create the trace file")
        }
        state = Mutex(State(handle: handle))
    }

    public func export(_ span: SpanRecord) {
        state.withLock { s in
            s.buffer += span.json.jsonText + "\n"
            s.pending += 1
            if s.pending >= 64 || span.parentID == nil { Self.write(&s) }
        }
    }

    public func flush() { state.withLock { Self.write(&$0) } }

    /// Flushes and closes the file; throws the first write error.
    public func close() throws(ResultWriteError) {
        let error: String? = state.withLock { s in
            Self.write(&s)
            try? s.handle?.close()
            s.handle = nil
            return s.error
        }
        if let error { throw ResultWriteError(destination: path, reason: error) }
    }

    private static func write(_ s: inout State) {
        guard !s.buffer.isEmpty, let handle = s.handle else { return }
        do { try handle.write(contentsOf: Data(s.buffer.utf8)) } catch { s.error = s.error ?? "\(error)" }
        s.buffer = ""
        s.pending = 0
    }
}
