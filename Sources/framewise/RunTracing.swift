import ArgumentParser
import Foundation
import FramewiseRuntime

/// The tracer of `run --trace/--report`: spans to a JSON-lines file, kept in memory for the
/// report, or both.
struct RunTracing {
    let tracer: RecordingTracer
    let file: JSONLinesSpanFile?
    let collector: SpanCollector?

    /// Nil when neither a trace file nor a report asks for spans; exits 2 naming the file when it cannot be created.
    init?(file path: String?, collect: Bool) throws {
        guard path != nil || collect else { return nil }
        do { file = try path.map { p throws(ResultWriteError) in try JSONLinesSpanFile(path: p) } } catch {
            FileHandle.standardError.write(Data("error: --trace \(error.destination): \(error.reason)\n".utf8))
            throw ExitCode(2)
        }
        collector = collect ? SpanCollector() : nil
        tracer = RecordingTracer(exporter: SpanFanOut(([file, collector] as [(any SpanExporter)?]).compactMap { $0 }))
    }
}
