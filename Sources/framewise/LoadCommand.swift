import ArgumentParser
import FramewiseCore
import FramewiseDownloader
import FramewiseRuntime
import FramewiseServer
import Foundation

/// `framewise load URL --rate R (--duration D | --jobs N) --videos PATH... [--token T] [--json]`.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Offer open-loop load to a running `framewise serve` and report what came back.",
        discussion: """
            One job per video, submitted at Poisson (or, with --arrivals uniform, evenly spaced) arrival times at --rate whatever the server answers (429s are counted, not retried). \
            Each accepted job is followed on its event stream to its result; latency is from submission to result. Prints submitted, \
            accepted, 429s, errors, completed, latency p50/p99, throughput and the API's request times (submit, status, results).
            """)

    @Argument(help: "The server, e.g. http://127.0.0.1:8080.") var url: String
    @Option(help: "Jobs offered per second: 2/s, 90/min, or a number per second.") var rate: String
    @Option(help: "Seconds to offer load for (default 10, unless --jobs).") var duration: Double?
    @Option(parsing: .unconditional, help: "Jobs to offer in all (instead of --duration).") var jobs: Int?
    @Option(parsing: .upToNextOption, help: "Video files or folders as the server reads them (sent as absolute paths), or URLs; cycled.")
    var videos: [String] = []
    @Option(help: "The pipeline's name (default: the server's only one).") var pipeline: String?
    @Option(help: "A bearer token (framewise token create).") var token: String?
    @Option(help: "Per-video SLO sent with each job, e.g. 2s.") var slo: String?
    @Option(help: "Arrival process: poisson (exponential gaps) or uniform (evenly spaced, as wrk2).")
    var arrivals: ArrivalProcess.Kind = .poisson
    @Option(help: "Seed of the Poisson arrivals.") var seed: UInt64 = 1
    @Option(name: .customLong("result-timeout"), help: "Seconds a job may take to its result before it counts as timed out.") var resultTimeout: Double = 600
    @Option(help: "Keep-alive connections to open before the first arrival (as wrk -c), so request times exclude connection set-up.")
    var connections = 0
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("URL must start with http:// or https://") }
        if videos.isEmpty { throw ValidationError("give --videos PATH... (files or folders the server may read, or URLs)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be above 0") }
        if jobs != nil, duration != nil { throw ValidationError("give --duration or --jobs, not both") }
        if !(resultTimeout > 0) { throw ValidationError("--result-timeout must be above 0") }
        if connections < 0 || connections > 1000 { throw ValidationError("--connections must be within 0...1000, got \(connections)") }
        _ = try parsedRate()
    }

    func parsedRate() throws -> Double {
        do {
            let value = try PlanningUnits.rate(rate)
            guard value > 0, value.isFinite else { throw ValidationError("--rate must be above 0, got '\(rate)'") }
            return value
        } catch let error as PlanningUnits.ParseError {
            throw ValidationError("--rate: \(error)")
        }
    }

    func run() async throws {
        let local = videos.filter { !Downloader.isURL($0) }
        let expanded = VideoInputs.expand(local).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let list = expanded + videos.filter(Downloader.isURL)
        guard !list.isEmpty else {
            FileHandle.standardError.write(Data("error: no videos found in \(videos.joined(separator: ", "))\n".utf8))
            throw ExitCode(2)
        }
        var configuration = LoadConfiguration(base: url, pipeline: pipeline, videos: list, rate: try parsedRate(),
                                              duration: jobs == nil ? (duration ?? 10) : nil, jobs: jobs, token: token, slo: slo,
                                              arrivals: arrivals, seed: seed, resultTimeout: resultTimeout)
        configuration.connections = connections
        let report: LoadReport
        do { report = try await LoadGenerator(configuration: configuration).run() } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        StandardOutput.write((json ? report.json.jsonText : report.text) + "\n")
        if report.submitted > 0, report.accepted == 0, report.rejected == 0 { throw ExitCode(1) }
    }
}
