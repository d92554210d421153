import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewiseDownloader
import FramewisePlanner
import FramewiseReport
import Tracing
import FramewiseRuntime
import Foundation
import Logging

/// `framewise run PIPELINE INPUT... [--output results.jsonl]`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over videos and write one JSON line per video.",
        discussion: """
            Exit codes: 0 when the run completed and at least one video is ok (failed videos have \
            "status": "failed" lines; --fail-on-error makes any failure exit 1); 1 when every video failed or \
            results could not be written (a full disk, a closed pipe); 2 when the pipeline or the arguments are \
            invalid (then nothing runs); 130 when interrupted. On SIGINT (Ctrl-C) the run stops, every video that \
            finished is written (in input order; videos that did not finish are left out), and the summary says \
            "interrupted: N of M written"; a second SIGINT stops at once.
            """)

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Argument(help: "Video files or folders, or http(s) URLs (downloaded once into --download-cache).") var inputs: [String]
    @Option(name: .shortAndLong, help: "Write JSONL here (default: standard output).") var output: String?
    // Numbers parse unconditionally, so `--instances -1` is refused by validate() with the limit,
    // not mistaken for a flag ("Missing value").
    @Option(parsing: .unconditional, help: .hidden) var concurrency: Int?
    @Option(name: .customLong("worker-threads"), parsing: .unconditional, help: "Threads for preprocessing and inference (default: the core count).") var workerThreads: Int?
    @Option(name: .customLong("decode-threads"), parsing: .unconditional, help: "Decoder threads per video (default: automatic, from the cores and the videos in flight).") var decodeThreads: Int?
    @Option(name: .customLong("engine"), help: "streaming (stages decoupled by a broker, batches across videos) or sequential (one video's frames in chunks).")
    var engineKind: EngineKind = .streaming
    @Option(parsing: .unconditional, help: "Concurrent batches per stage (default: the worker threads, so any stage can use every worker).") var instances: Int?
    @Option(name: .customLong("max-queue-delay-ms"), parsing: .unconditional, help: "Longest a partial batch waits for frames of other videos (default: each model's batching setting).") var maxQueueDelayMs: Int?
    @Option(help: "Apply a capacity plan (`framewise plan --json`): per-stage instances and batch sizes, its device count as worker threads (streaming engine).")
    var plan: String?
    @Option(name: .customLong("topic-bound"), parsing: .unconditional, help: "Frames each stage's queue holds before its producers wait (streaming engine; default: twice the stage's batch limit times its instances).") var topicBound: Int?
    @Option(name: .customLong("frame-budget"), parsing: .unconditional, help: "Frames inside the pipeline before a new video waits at admission (default: the sum of the topic bounds).") var frameBudget: Int?
    @Option(help: "Per-video latency objective from the video's arrival, e.g. 2s or 500ms (streaming engine); the summary shows SLO attainment and goodput. With --plan, each stage also gets the plan's share of it as a per-frame budget.") var slo: String?
    @Option(help: "Write the run's summary figures as JSON here.") var json: String?
    @Option(help: "Write one trace per video here, one span per JSON line (decode, each stage batch, assemble; with --broker redis://, workers started with --trace add their spans to the same traces).")
    var trace: String?
    @Option(help: "Write a self-contained HTML report of the run here (charts, per-video rows, thumbnails of flagged frames).")
    var report: String?
    @Option(name: .customLong("late-policy"), help: "drop (Nexus' early drop: frames that cannot meet the SLO never take a batch slot) or mark_late.")
    var latePolicy: EngineConfiguration.LatePolicy = .drop
    @Option(name: .customLong("on-broker-loss"), help: "With --broker redis://: when Redis lost the job's state (restart without persistence, FLUSHALL, eviction, failover), resubmit the unfinished videos or fail.")
    var onBrokerLoss: BrokerLossPolicy = .resubmit
    @Flag(help: "No progress bar or summary.") var quiet = false
    @Flag(name: .customLong("fail-on-error"), help: "Exit 1 when any video failed (default: only when every video failed).") var failOnError = false
    @Flag(name: .customLong("allow-any-demuxer"),
          help: "Decode files FFmpeg reads as text or ANSI art (its tty, bin, xbin, adf, idf demuxers); by default such a file fails as not a video container.")
    var allowAnyDemuxer = false
    @OptionGroup var load: LoadOptions
    @Option(help: "The broker between stages: memory (one process) or redis://[:password@]host:port[/db] (rediss:// for TLS).")
    var broker: String = "memory"
    @OptionGroup var location: RedisLocation
    @OptionGroup var streams: StreamArguments
    @OptionGroup var downloads: DownloadOptions
    @OptionGroup var engine: EngineOptions

    /// The distributed deployment `--broker` names.
    var cluster: ClusterArguments { ClusterArguments(broker: broker, location: location, streams: streams) }

    /// Which engine runs the pipeline.
    enum EngineKind: String, ExpressibleByArgument, CaseIterable {
        case streaming, sequential
    }

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one video file or folder") }
        try ClusterArguments.validate(broker: broker)
        if let c = concurrency, c < 1 { throw ValidationError("--concurrency (now --max-in-flight) must be at least 1, got \(c)") }
        if let f = frameBudget, f < 1 { throw ValidationError("--frame-budget must be at least 1, got \(f)") }
        if cluster.isRedis, load.rate != nil || load.maxInFlight != nil { throw ValidationError("--rate and --max-in-flight apply to one process (not --broker redis://)") }
        if engineKind == .sequential, load.rate != nil { throw ValidationError("--rate needs the streaming engine") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1, got \(t)") }
        if let i = instances, i < 1 { throw ValidationError("--instances must be at least 1, got \(i)") }
        if let b = topicBound, b < 1 { throw ValidationError("--topic-bound must be at least 1, got \(b)") }
        if let slo {
            do { _ = try PlanningUnits.seconds(slo) } catch { throw ValidationError("--slo: \(error)") }
        }
        if let d = maxQueueDelayMs, d < 0 { throw ValidationError("--max-queue-delay-ms must be 0 or more, got \(d)") }
        if let d = decodeThreads, d < 0 { throw ValidationError("--decode-threads must be 0 (automatic) or more, got \(d)") }
        if plan != nil, engineKind != .streaming { throw ValidationError("--plan needs the streaming engine") }
        if cluster.isRedis, engineKind != .streaming { throw ValidationError("--broker redis:// needs the streaming engine") }
        if inputs.contains(where: Downloader.isURL), cluster.isRedis || engineKind != .streaming {
            throw ValidationError("URL inputs need the streaming engine in this process (not --engine sequential or --broker redis://)")
        }
        if cluster.isRedis, plan != nil { throw ValidationError("--plan applies to one process; with --broker redis:// start workers per the plan instead") }
        if trace != nil, engineKind != .streaming { throw ValidationError("--trace needs the streaming engine") }
    }

    /// The capacity plan at `path`; exits 2 with the reason when it cannot be read.
    private func readPlan(_ path: String) throws -> (plan: CapacityPlan, path: String) {
        do {
            return (try JSONDecoder().decode(CapacityPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path))), path)
        } catch {
            FileHandle.standardError.write(Data("error: --plan \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// The application this command runs: the pipeline loaded, the engine configured, the plan applied.
    private func application(plan: (plan: CapacityPlan, path: String)?, tracing: RunTracing?, downloader: Downloader?) throws -> FramewiseApplication {
        var config = EngineConfiguration(decoders: load.maxInFlight ?? concurrency, decodeThreads: decodeThreads ?? 0, workerThreads: workerThreads,
                                         instancesPerStage: instances, maxQueueDelay: maxQueueDelayMs.map { .milliseconds($0) })
        config.topicBound = topicBound
        config.frameBudget = frameBudget
        if let slots = load.decodeSlots { config.decodeSlots = slots }
        config.allowAnyDemuxer = allowAnyDemuxer
        if let seconds = try sloSeconds(plan: plan) {
            config.slo = .microseconds(Int64(seconds * 1e6))
            config.latePolicy = latePolicy
        }
        let app = try reportingAppErrors {
            try buildApplication(AppConfiguration(pipelinePath: pipeline, ortLibrary: engine.ortLibrary, engine: config,
                                                  plan: engineKind == .streaming && !cluster.isRedis ? plan?.plan : nil,
                                                  workerThreadsGiven: workerThreads != nil, tracer: tracing?.tracer,
                                                  resolver: downloader.map { DownloadingResolver(downloader: $0) }))
        }
        if let plan, !quiet {
            let text = plan.plan.rows.map { "\($0.stage) x\(max(1, $0.instances)) batch \($0.batchSize)" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("plan \(plan.path): \(text); \(app.engine.workerThreads) worker threads\n".utf8))
        }
        for warning in app.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return app
    }

    func run() async throws {
        engine.bootstrapLogging()
        let plan = try self.plan.map(readPlan)
        let downloader = downloads.downloader(for: inputs)
        do {
            try await run(plan: plan, downloader: downloader)
        } catch {
            await downloader?.shutdown()
            throw error
        }
        await downloader?.shutdown()
    }

    private func run(plan: (plan: CapacityPlan, path: String)?, downloader: Downloader?) async throws {
        let tracing = try RunTracing(file: trace, collect: report != nil)
        let app = try application(plan: plan, tracing: tracing, downloader: downloader)
        let loaded = app.pipeline
        let videos = load.cycled(VideoInputs.expand(inputs))
        guard !videos.isEmpty else {
            FileHandle.standardError.write(Data("error: no videos found in \(inputs.joined(separator: ", "))\n".utf8))
            throw ExitCode(2)
        }
        // An unreachable broker is said at once, before anything is written.
        if cluster.isRedis { try await cluster.checkReachable() }
        let sink: any ResultSink
        do {
            let file = try JSONLinesSink(path: output)
            sink = report == nil ? file : CollectingSink(file)
        } catch {
            FileHandle.standardError.write(Data("error: cannot write results to \(error.destination): \(error.reason)\n".utf8))
            throw ExitCode(2)
        }
        let bar = quiet ? nil : ProgressBar(total: videos.count)
        let logger = engine.verbose ? Logger(label: "framewise.run") : nil
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            bar?.update(done: done, total: total)
            logger?.info("\(done) of \(total) videos finished")
        }
        var report: RunReport
        do {
            switch engineKind {
            case .streaming where cluster.isRedis:
                report = try await runOnCluster(loaded, videos: videos, sink: sink, tracer: tracing?.tracer, progress: progress)
            case .streaming:
                // With a plan, arrivals default to 90% of its rate: where the plan claims to hold.
                let rate = try load.parsedRate() ?? plan.map { 0.9 * $0.plan.rate }
                let arrivals = try load.arrivalTimes(count: videos.count, rate: rate)
                if !quiet, let rate, load.rate == nil {
                    FileHandle.standardError.write(Data(String(format: "arrivals: %@ at %.3g videos/s (90%% of the plan's rate)\n",
                                                               load.arrivals.rawValue, rate).utf8))
                }
                report = try await interruptible {
                    try await app.run(videos: videos, sink: sink, arrivals: arrivals, offeredRate: rate, progress: progress)
                }
            case .sequential:
                var config = RunConfiguration(concurrentVideos: load.maxInFlight ?? concurrency, workerThreads: workerThreads, decodeThreads: decodeThreads ?? 0)
                config.allowAnyDemuxer = allowAnyDemuxer
                let runner = PipelineRunner(pipeline: loaded, configuration: config)
                report = try await interruptible { try await runner.run(videos: videos, sink: sink, progress: progress) }
            }
        } catch let error as ResultWriteError {
            bar?.finish()
            FileHandle.standardError.write(Data("error: cannot write results to \(error.destination): \(error.reason); the results of this run are incomplete\n".utf8))
            throw ExitCode(1)
        }
        bar?.finish()
        try await writeTraceAndReport(tracing: tracing, sink: sink, pipeline: loaded.spec.name, plan: plan?.plan,
                                      slo: app.engine.slo?.seconds)
        try finish(report, videos: videos.count, pipeline: loaded.spec.name, plan: plan)
    }

    /// Closes the trace file and writes the HTML report (exit 1 naming the file on failure).
    private func writeTraceAndReport(tracing: RunTracing?, sink: any ResultSink, pipeline: String, plan: CapacityPlan?, slo: Double?) async throws {
        if let file = tracing?.file {
            do { try file.close() } catch {
                FileHandle.standardError.write(Data("error: cannot write the trace \(error.destination): \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
        }
        guard let report, let collected = sink as? CollectingSink else { return }
        let videos = await collected.results.enumerated().compactMap { ResultsReader.video($0.element.json, index: $0.offset) }
        let input = ReportInput(title: "Framewise report: \(pipeline)", sources: ["pipeline: \(self.pipeline)"] + (output.map { ["results: \($0)"] } ?? [])
                                    + (trace.map { ["trace: \($0)"] } ?? []) + (self.plan.map { ["plan: \($0)"] } ?? []),
                                videos: videos, spans: tracing?.collector?.records ?? [], plan: plan, slo: slo)
        try ReportCommand.write(ReportBuilder.page(input), to: report, announceOnStandardOutput: output != nil)
    }

    /// Writes `--json` and the summary, then exits with the run's code: 130 when interrupted, 1
    /// when every video failed (or any, with --fail-on-error), else 0.
    private func finish(_ report: RunReport, videos total: Int, pipeline name: String, plan: (plan: CapacityPlan, path: String)?) throws {
        if let json {
            do { try CheckedWrite.replace(json, with: report.json.jsonText + "\n") } catch {
                FileHandle.standardError.write(Data("error: cannot write --json \(json): \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
        }
        if report.interrupted {
            FileHandle.standardError.write(Data("interrupted: \(report.videos) of \(total) written\n".utf8))
        }
        if !quiet {
            let comparison = plan.map { "\n" + PlanComparison.text(plan: $0.plan, report: report) } ?? ""
            let text = "\(name): \(report.text)\(comparison)\n"
            if output == nil { FileHandle.standardError.write(Data(text.utf8)) } else { StandardOutput.write(text) }
        }
        if report.interrupted { throw ExitCode(130) }
        if report.videos > 0, report.videosOK == 0 {
            FileHandle.standardError.write(Data("error: every video failed (\(report.videosFailed) of \(report.videos))\n".utf8))
            throw ExitCode(1)
        }
        if failOnError, report.videosFailed > 0 {
            FileHandle.standardError.write(Data("error: \(report.videosFailed) of \(report.videos) videos failed (--fail-on-error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs `body` in a task that the first SIGINT/SIGTERM cancels (the engines then write what
    /// finished and return a report marked interrupted); a second signal exits 130 at once.
    private func interruptible(_ body: @escaping @Sendable () async throws -> RunReport) async throws -> RunReport {
        let work = Task { try await body() }
        let watcher = SignalWatcher(signals: [SIGINT, SIGTERM]) { count in
            if count == 1 {
                FileHandle.standardError.write(Data("\ninterrupting: writing the videos that finished (interrupt again to stop at once)\n".utf8))
                work.cancel()
            } else {
                FileHandle.standardError.write(Data("stopped at once: videos not yet written are lost\n".utf8))
                Foundation.exit(130)
            }
        }
        defer { watcher.stop() }
        return try await work.value
    }

    /// The run's per-video SLO in seconds (`--slo`). A plan's SLO is per frame: `run --plan` checks
    /// it on the frames' latencies and does not make it a per-video deadline.
    private func sloSeconds(plan: (plan: CapacityPlan, path: String)?) throws -> Double? {
        try slo.map { try PlanningUnits.seconds($0) }
    }
}

extension RunCommand {
    /// Submits the videos to the workers behind `--broker redis://...` and collects their results.
    func runOnCluster(_ loaded: LoadedPipeline, videos: [String], sink: any ResultSink, tracer: (any Tracer)?, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> RunReport {
        let connection = try cluster.connect()
        var run = ClusterRun(pipeline: loaded, frameBroker: connection.frames, videoBroker: connection.videos,
                             store: connection.store, frames: connection.storage)
        if let slo, let seconds = try? PlanningUnits.seconds(slo) { run.slo = .microseconds(Int64(seconds * 1e6)) }
        run.onBrokerLoss = onBrokerLoss
        run.tracer = tracer
        // Printed even with --quiet: results are about to be redone.
        run.onRecovery = { recovery in FileHandle.standardError.write(Data("\(recovery)\n".utf8)) }
        // Said before it happens: settings under which a restart or eviction loses acknowledged work.
        if let durability = try? await connection.durability() { connection.warn(durability) }
        if !quiet { FileHandle.standardError.write(Data("job \(run.job): \(videos.count.counted("video")) submitted to \(connection.broker)\n".utf8)) }
        let job = run
        let work = Task { try await job.run(videos: videos, sink: sink, progress: progress) }
        let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM]) { _ in work.cancel() }
        defer { interrupt.stop() }
        do {
            let report = try await work.value
            await connection.shutdown()
            return report
        } catch is CancellationError {
            await connection.shutdown()
            FileHandle.standardError.write(Data("stopped: job \(run.job) abandoned (workers skip the rest of it)\n".utf8))
            throw ExitCode(130)
        } catch {
            await connection.shutdown()
            FileHandle.standardError.write(Data("error: job \(run.job) on \(connection.broker): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension EngineConfiguration.LatePolicy: ExpressibleByArgument {}
