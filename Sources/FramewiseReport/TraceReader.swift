import Foundation
import FramewiseCore

/// Reads a trace file (`--trace`, one span per JSON line) into `SpanRecord`s.
public enum TraceReader {
    public static func read(path: String) throws(ReportError) -> [SpanRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(input: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses trace text; `source` names it in errors.
    public static func parse(_ text: String, source: String) throws(ReportError) -> [SpanRecord] {
        var spans: [SpanRecord] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let json: JSONValue
            do { json = try JSONValue(parsing: trimmed) } catch { throw ReportError(input: "\(source):\(n + 1)", reason: error.description) }
            guard let span = SpanRecord(json: json) else {
                throw ReportError(input: "\(source):\(n + 1)", reason: "not a span (needs trace_id, span_id, name, start_unix_nano, end_unix_nano)")
            }
            spans.append(span)
        }
        return spans
    }
}
