import ArgumentParser
import FramewiseCore
import FramewisePlanner
import FramewiseApp
import FramewiseRuntime
import FramewiseServer
import Foundation
import Logging

/// `framewise worker PIPELINE [--stages a,b] --broker redis://HOST:PORT`.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve stages of a pipeline from a Redis broker until stopped (SIGINT/SIGTERM: finish what it holds; twice: now).",
        discussion: "Start any number of workers on any machines; `framewise run ... --broker redis://...` submits videos and collects results. Stage `decode` decodes videos into --frames-dir, which every worker must see.")

    @Argument(help: "Pipeline YAML file (the same file on every worker).") var pipeline: String
    @Option(help: "Comma-separated stages to run, `decode` included (default: decoding and every stage).") var stages: String?
    @Option(name: .customLong("decode-slots"), help: "Videos this worker decodes at once (default: from the core count).") var decodeSlots: Int?
    @Option(name: .customLong("decoders"), help: .hidden) var decoders: Int?
    @Option(name: .customLong("decode-threads"), help: "Decoder threads per video (default: 1, or the pipeline's decode.threads).") var decodeThreads: Int?
    @Option(name: .customLong("worker-threads"), help: "Threads for preprocessing and inference (default: the core count).") var workerThreads: Int?
    @Option(help: "Concurrent batches per stage (default: the worker threads, so any stage can use every worker).") var instances: Int?
    @Option(name: .customLong("max-queue-delay-ms"), help: "Longest a partial batch waits for more frames (default: each model's setting).") var maxQueueDelayMs: Int?
    @Option(name: .customLong("orphan-grace"), help: "Remove frames of jobs Redis no longer has (abandoned or lost), and of a job's earlier epochs, once untouched this long (e.g. 5m).")
    var orphanGrace = "5m"
    @Option(name: .customLong("metrics-bind"), help: "HOST:PORT to serve this worker's Prometheus metrics at /metrics (default: none).")
    var metricsBind: String?
    @Flag(name: .customLong("metrics-public"), help: "Allow --metrics-bind beyond loopback.") var metricsPublic = false
    @Option(help: "The Redis server between stages: redis://[:password@]host:port[/db] (rediss:// for TLS).") var broker: String
    @OptionGroup var location: RedisLocation
    @OptionGroup var streams: StreamArguments
    @Option(help: "Write the spans this worker records (decoding, its stages' batches) here, one per JSON line, in the traces the run started.")
    var trace: String?
    @OptionGroup var engine: EngineOptions

    /// The distributed deployment `--broker` names.
    var cluster: ClusterArguments { ClusterArguments(broker: broker, location: location, streams: streams) }

    func validate() throws {
        try ClusterArguments.validate(broker: broker, redisOnly: "worker")
        do { _ = try PlanningUnits.seconds(orphanGrace) } catch { throw ValidationError("--orphan-grace: \(error)") }
        if let i = instances, i < 1 { throw ValidationError("--instances must be at least 1, got \(i)") }
        if let d = decodeSlots ?? decoders, d < 1 { throw ValidationError("--decode-slots must be at least 1, got \(d)") }
        if let d = decodeThreads, d < 0 { throw ValidationError("--decode-threads must be 0 (automatic) or more, got \(d)") }
        if let t = workerThreads, t < 1 { throw ValidationError("--worker-threads must be at least 1") }
        if let metricsBind {
            do { _ = try ListenAddress(parsing: metricsBind) } catch { throw ValidationError("--metrics-bind: \(error)") }
        }
    }

    func run() async throws {
        // Warnings too: e.g. a consumer group that vanished and was made again.
        engine.bootstrapLogging(quiet: .warning)
        let loaded = try loadPipeline(pipeline, options: engine)
        let chosen = stages.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
        let config = EngineConfiguration(decoders: decodeSlots ?? decoders, decodeThreads: decodeThreads ?? 0, workerThreads: workerThreads,
                                         instancesPerStage: instances, maxQueueDelay: maxQueueDelayMs.map { .milliseconds($0) })
        // Said at once when Redis does not answer; once connected, the worker waits out restarts.
        try await cluster.checkReachable()
        let connection = try cluster.connect()
        var options = try cluster.options()
        options.orphanGrace = .microseconds(Int64(try PlanningUnits.seconds(orphanGrace) * 1e6))
        var endpoint: MetricsEndpoint?
        var metrics: EngineMetrics?
        if let metricsBind {
            do {
                let prometheus = PrometheusMetrics()
                endpoint = try MetricsEndpoint(bind: try ListenAddress(parsing: metricsBind), metrics: prometheus, allowPublic: metricsPublic)
                metrics = EngineMetrics(pipeline: loaded, factory: prometheus.factory)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let tracing = try RunTracing(file: trace, collect: false)
        let worker: ClusterWorker
        do {
            worker = try ClusterWorker(pipeline: loaded, configuration: config, stages: chosen, frameBroker: connection.frames,
                                       videoBroker: connection.videos, store: connection.store, frames: connection.storage, options: options,
                                       metrics: metrics, logger: Logger(label: "framewise.worker"), tracer: tracing?.tracer)
        } catch {
            FileHandle.standardError.write(Data("error: --stages: \(error)\n".utf8))
            throw ExitCode(2)
        }
        FileHandle.standardError.write(Data("worker \(ProcessInfo.processInfo.processIdentifier): \(loaded.spec.name) stages \(worker.stages.sorted().joined(separator: ",")) on \(connection.broker)\n".utf8))
        let serving = endpoint.map { endpoint in
            Task {
                do {
                    try await endpoint.run(logger: Logger(label: "framewise.worker.metrics")) { address in
                        FileHandle.standardError.write(Data("worker: metrics at http://\(address)/metrics\n".utf8))
                    }
                } catch {
                    FileHandle.standardError.write(Data("worker: --metrics-bind \(endpoint.bind): \(error)\n".utf8))
                }
            }
        }
        let task = Task { await worker.run() }
        let check = Task { await Self.checkBroker(connection) }
        // First signal: finish what is held and stop; a second one: stop now.
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { count in
            if count == 1 {
                FileHandle.standardError.write(Data("worker: finishing the frames it holds (signal again to stop now)\n".utf8))
                worker.drain()
            } else {
                task.cancel()
            }
        }
        await task.value
        serving?.cancel()
        do { try tracing?.file?.close() } catch {
            FileHandle.standardError.write(Data("error: --trace \(error.destination): \(error.reason)\n".utf8))
        }
        check.cancel()
        signals.stop()
        await connection.shutdown()
    }

    /// Says once that the worker waits for an unreachable Redis (it serves as soon as Redis
    /// answers), then warns once about settings under which Redis can lose acknowledged work.
    static func checkBroker(_ connection: ClusterConnection) async {
        var waiting = false
        while !Task.isCancelled {
            do {
                let durability = try await connection.durability()
                if waiting { FileHandle.standardError.write(Data("worker: \(connection.broker) answers; serving\n".utf8)) }
                connection.warn(durability)
                return
            } catch {
                if !waiting {
                    FileHandle.standardError.write(Data("worker: waiting for Redis at \(connection.broker) (\(error))\n".utf8))
                    waiting = true
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
