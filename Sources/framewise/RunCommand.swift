import ArgumentParser
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import Foundation

/// `framewise run PIPELINE INPUT... [--output results.jsonl]`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline over videos and write one JSON line per video.",
        discussion: "Exits 0 when the run completed, even if some videos failed; 2 when the pipeline or arguments are invalid (then nothing runs).")

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Argument(help: "Video files or folders.") var inputs: [String]
    @Option(name: .shortAndLong, help: "Write JSONL here (default: standard output).") var output: String?
    @Option(help: "Videos processed at once (default: from the core count).") var concurrency: Int?
    @Option(name: .customLong("worker-threads"), help: "Threads for preprocessing and inference (default: the core count).") var workerThreads: Int?
    @Option(name: .customLong("decode-threads"), help: "Decoder threads per video (default: automatic).") var decodeThreads: Int = 0
    @Option(name: .customLong("engine"), help: "streaming (stages decoupled by a broker, batches across videos) or sequential (one video's frames in chunks).")
    var engineKind: EngineKind = .streaming
    @Option(help: "Concurrent batches per stage (streaming engine).") var instances = 1
    @Option(name: .customLong("max-queue-delay-ms"), help: "Longest a partial batch waits for frames of other videos (default: each model's batching setting).") var maxQueueDelayMs: Int?
    @Option(help: "Apply a capacity plan (`framewise plan --json`): per-stage instances and batch sizes, its device count as worker threads (streaming engine).")
    var plan: String?
    @Option(name: .customLong("topic-bound"), help: "Frames a stage's queue holds before decoders wait (streaming engine; default 256).") var topicBound: Int?
    @Option(help: "Per-video latency objective from the start of its decoding, e.g. 2s or 500ms (streaming engine). With --plan, each stage also gets the plan's share of it as a per-frame budget.") var slo: String?
    @Option(name: .customLong("late-policy"), help: "drop (Nexus' early drop: frames that cannot meet the SLO never take a batch slot) or mark_late.")
    var latePolicy: EngineConfiguration.LatePolicy = .drop
    @Option(name: .customLong("on-broker-loss"), help: "With --broker redis://: when Redis lost the job's state (restart without persistence, FLUSHALL, eviction, failover), resubmit the unfinished videos or fail.")
    var onBrokerLoss: BrokerLossPolicy = .resubmit
    @Flag(help: "No progress bar or summary.") var quiet = false
    @OptionGroup var cluster: ClusterArguments
    @OptionGroup var engine: EngineOptions

    /// Which engine runs the pipeline.
    enum EngineKind: String, ExpressibleByArgument, CaseIterable {
        case streaming, sequential
    }

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one video file or folder") }
        if let c = concurrency, c < 1 { throw ValidationError("--concurrency must be at least 1") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1") }
        if instances < 1 { throw ValidationError("--instances must be at least 1") }
        if let b = topicBound, b < 1 { throw ValidationError("--topic-bound must be at least 1") }
        if let slo {
            do { _ = try PlanningUnits.seconds(slo) } catch { throw ValidationError("--slo: \(error)") }
        }
        if let d = maxQueueDelayMs, d < 0 { throw ValidationError("--max-queue-delay-ms must not be negative") }
        if decodeThreads < 0 { throw ValidationError("--decode-threads must not be negative") }
        if plan != nil, engineKind != .streaming { throw ValidationError("--plan needs the streaming engine") }
        if cluster.isRedis, engineKind != .streaming { throw ValidationError("--broker redis:// needs the streaming engine") }
        if cluster.isRedis, plan != nil { throw ValidationError("--plan applies to one process; with --broker redis:// start workers per the plan instead") }
    }

    /// `config` with the plan in `path` applied; `--worker-threads` wins over the plan's device count.
    private func applyPlan(_ path: String, to config: EngineConfiguration, stages: [String]) throws -> EngineConfiguration {
        do {
            let plan = try JSONDecoder().decode(CapacityPlan.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let entries = plan.rows.map { StagePlanEntry(stage: $0.stage, instances: $0.instances, batchSize: $0.batchSize, latencyBudget: $0.latencyBudget) }
            let applied = try config.applying(plan: entries, workers: workerThreads == nil ? plan.deviceCount : nil, pipelineStages: stages)
            if !quiet {
                let text = entries.map { "\($0.stage) x\(max(1, $0.instances)) batch \($0.batchSize)" }.joined(separator: ", ")
                FileHandle.standardError.write(Data("plan \(path): \(text); \(applied.workerThreads) worker threads\n".utf8))
            }
            return applied
        } catch {
            FileHandle.standardError.write(Data("error: --plan \(path): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        let videos = VideoInputs.expand(inputs)
        guard !videos.isEmpty else {
            FileHandle.standardError.write(Data("error: no videos found in \(inputs.joined(separator: ", "))\n".utf8))
            throw ExitCode(2)
        }
        let sink: JSONLinesSink
        do { sink = try JSONLinesSink(path: output) } catch {
            FileHandle.standardError.write(Data("error: cannot write \(output ?? "stdout"): \(error.localizedDescription)\n".utf8))
            throw ExitCode(2)
        }
        let bar = quiet ? nil : ProgressBar(total: videos.count)
        let progress: @Sendable (Int, Int) -> Void = { done, total in bar?.update(done: done, total: total) }
        let report: RunReport
        switch engineKind {
        case .streaming where cluster.isRedis:
            report = try await runOnCluster(loaded, videos: videos, sink: sink, progress: progress)
        case .streaming:
            var config = EngineConfiguration(decoders: concurrency, decodeThreads: decodeThreads, workerThreads: workerThreads,
                                             instancesPerStage: instances, maxQueueDelay: maxQueueDelayMs.map { .milliseconds($0) })
            if let plan { config = try applyPlan(plan, to: config, stages: loaded.stages.map(\.spec.name)) }
            if let topicBound { config.topicBound = topicBound }
            if let slo, let seconds = try? PlanningUnits.seconds(slo) {
                config.slo = .microseconds(Int64(seconds * 1e6))
                config.latePolicy = latePolicy
            }
            report = try await StreamingEngine(pipeline: loaded, configuration: config).run(videos: videos, sink: sink, progress: progress)
        case .sequential:
            let config = RunConfiguration(concurrentVideos: concurrency, workerThreads: workerThreads, decodeThreads: decodeThreads)
            report = try await PipelineRunner(pipeline: loaded, configuration: config).run(videos: videos, sink: sink, progress: progress)
        }
        bar?.finish()
        if !quiet {
            let comparison = plan.flatMap { PlanComparison.text(planPath: $0, report: report) }.map { "\n" + $0 } ?? ""
            let text = "\(loaded.spec.name): \(report.text)\(comparison)\n"
            if output == nil { FileHandle.standardError.write(Data(text.utf8)) } else { print(text, terminator: "") }
        }
    }
}

extension RunCommand {
    /// Submits the videos to the workers behind `--broker redis://...` and collects their results.
    func runOnCluster(_ loaded: LoadedPipeline, videos: [String], sink: JSONLinesSink, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> RunReport {
        let connection = try cluster.connect()
        var run = ClusterRun(pipeline: loaded, frameBroker: connection.frames, videoBroker: connection.videos,
                             store: connection.store, frames: connection.storage)
        if let slo, let seconds = try? PlanningUnits.seconds(slo) { run.slo = .microseconds(Int64(seconds * 1e6)) }
        run.onBrokerLoss = onBrokerLoss
        // Printed even with --quiet: results are about to be redone.
        run.onRecovery = { recovery in FileHandle.standardError.write(Data("\(recovery)\n".utf8)) }
        // Said before it happens: settings under which a restart or eviction loses acknowledged work.
        if let durability = try? await connection.durability() { connection.warn(durability) }
        if !quiet { FileHandle.standardError.write(Data("job \(run.job): \(videos.count) videos submitted to \(connection.broker)\n".utf8)) }
        let job = run
        let work = Task { try await job.run(videos: videos, sink: sink, progress: progress) }
        let interrupt = SignalWatcher(signals: [SIGINT, SIGTERM]) { work.cancel() }
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
