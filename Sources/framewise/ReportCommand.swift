import ArgumentParser
import Foundation
import FramewiseCore
import FramewisePlanner
import FramewiseReport
import FramewiseRuntime

/// `framewise report [RESULTS.jsonl] [--trace TRACE.jsonl] [--plan PLAN.json] [--tune TUNE.json] -o report.html`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report of a run's results (charts, per-video rows, thumbnails), a plan or a tuning.",
        discussion: """
            The page needs no network: CSS and SVG charts are inline, thumbnails of flagged frames are re-decoded \
            from the videos with FFmpeg and embedded as JPEG. With --trace (from `run --trace`), batch sizes and \
            throughput per stage come from the trace. With --plan, the plan is shown as a table and its batch sizes \
            are marked on the histograms. With --tune, the tuner's choices and its predicted and measured configurations \
            are shown as tables. Exit 2 when an input cannot be read.
            """)

    @Argument(help: "Results file of `framewise run --output` (optional with --plan).") var results: String?
    @Option(help: "Trace file of `framewise run --trace` (repeat for the files of a distributed run's workers).") var trace: [String] = []
    @Option(help: "Capacity plan (`framewise plan --json`) to show and compare batch sizes with.") var plan: String?
    @Option(help: "A tuning (`framewise tune --json`) to show as tables.") var tune: String?
    @Option(help: "Per-video SLO to draw on the latency CDF, e.g. 2s (default: from the results' deadlines).") var slo: String?
    @Option(help: "The page's title.") var title: String?
    @Flag(name: .customLong("no-thumbnails"), help: "Do not re-decode flagged frames.") var noThumbnails = false
    @Option(name: .shortAndLong, help: "Write the HTML here.") var output: String

    func validate() throws {
        if results == nil, plan == nil, tune == nil { throw ValidationError("give a results file, --plan or --tune") }
        if let slo {
            do { _ = try PlanningUnits.seconds(slo) } catch { throw ValidationError("--slo: \(error)") }
        }
    }

    func run() throws {
        let input: ReportInput
        do {
            let videos = try results.map { path throws(ReportError) in try ResultsReader.read(path: path) } ?? []
            var spans: [SpanRecord] = []
            for path in trace { spans += try TraceReader.read(path: path) }
            let capacity = try plan.map { path throws(ReportError) in try ReportBuilder.readPlan(path: path) }
            let tuning = try tune.map { path throws(ReportError) in try ReportBuilder.readTune(path: path) }
            let sources = [results.map { "results: \($0)" }, trace.isEmpty ? nil : "trace: " + trace.joined(separator: ", "), plan.map { "plan: \($0)" },
                           tune.map { "tuning: \($0)" }]
                .compactMap { $0 }
            input = ReportInput(title: title ?? "Framewise report" + (results.map { ": " + URL(fileURLWithPath: $0).lastPathComponent } ?? ""),
                                sources: sources, videos: videos, spans: spans, plan: capacity,
                                slo: try slo.map { try PlanningUnits.seconds($0) }, tune: tuning)
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try Self.write(ReportBuilder.page(input, thumbnails: !noThumbnails), to: output, announceOnStandardOutput: true)
    }

    /// Writes the page and says where (on standard output, or standard error when that carries
    /// results); exits 1 naming the file when it cannot.
    static func write(_ html: String, to path: String, announceOnStandardOutput: Bool) throws {
        do { try CheckedWrite.replace(path, with: html) } catch {
            FileHandle.standardError.write(Data("error: cannot write the report \(path): \(error.reason)\n".utf8))
            throw ExitCode(1)
        }
        let line = "report: \(URL(fileURLWithPath: path).standardizedFileURL.path)\n"
        if announceOnStandardOutput { StandardOutput.write(line) } else { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
