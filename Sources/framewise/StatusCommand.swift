import ArgumentParser
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import Foundation

/// `framewise status --broker redis://...`: queue depth, pending, consumers and lag per stage.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every stage topic's depth, pending, live consumers, lag and dead letters, the jobs in flight, whether Redis' settings can lose work, and the frames folder's size.")

    @Option(help: "Show only this pipeline's topics (its name in the YAML).") var pipeline: String?
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("abandon-job"), help: "Drop this job (e.g. of a run that was killed): workers skip the rest of it.") var abandonJob: String?
    @Option(help: "The Redis server between stages: redis://[:password@]host:port[/db] (rediss:// for TLS).") var broker: String
    @OptionGroup var location: RedisLocation
    // Accepted, so the same settings can be given to every command, and hidden: status does not use them.
    @OptionGroup(visibility: .hidden) var streams: StreamArguments

    /// The distributed deployment `--broker` names.
    var cluster: ClusterArguments { ClusterArguments(broker: broker, location: location, streams: streams) }

    func validate() throws {
        try ClusterArguments.validate(broker: broker, redisOnly: "status")
    }

    func run() async throws {
        try await cluster.checkReachable()
        let connection = try cluster.connect()
        defer { Task { await connection.shutdown() } }
        do {
            if let abandonJob {
                try await connection.store.removeJob(abandonJob)
                connection.storage.removeJob(abandonJob)
                print("job \(abandonJob) abandoned")
            }
            var topics = try await connection.frames.topics()
            if let pipeline { topics = topics.filter { $0.hasPrefix(pipeline + ".") } }
            let workers = try await connection.store.workers()
            var rows: [(String, TopicStats)] = []
            for topic in topics {
                var stats = try await connection.frames.stats(topic: topic, group: ClusterOptions.group)
                // Live workers serving the topic (by heartbeat): dead consumers linger in a Redis group.
                stats.consumers = workers.filter { Self.serves($0, topic: topic) }.count
                rows.append((topic, stats))
            }
            let jobs = try await connection.store.jobs()
            let health = Health(durability: try await Self.durability(connection), frames: connection.storage.root, usage: connection.storage.usage())
            print(json ? Self.json(rows, jobs, workers, health) : Self.table(rows, jobs, workers, health))
        } catch {
            FileHandle.standardError.write(Data("error: \(cluster.displayBroker): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Whether `worker` consumes `topic` (`<pipeline>.decode` or `<pipeline>.stage.<name>`).
    static func serves(_ worker: WorkerHeartbeat, topic: String) -> Bool {
        worker.stages.contains { stage in
            topic == (stage == ClusterWorker.decodeStage ? ClusterOptions.decodeTopic(pipeline: worker.pipeline)
                                                         : ClusterOptions.topic(pipeline: worker.pipeline, stage: stage))
        }
    }

    /// What can lose work, and what it costs on disk.
    struct Health {
        var durability: RedisDurability
        var frames: String
        var usage: (files: Int, bytes: Int)
    }

    /// The server's settings; a refused CONFIG (e.g. renamed on a managed service) is reported, not fatal.
    static func durability(_ connection: ClusterConnection) async throws -> RedisDurability {
        do {
            return try await connection.durability()
        } catch let error as RedisError where error.serverErrorCode != nil {
            return RedisDurability(appendOnly: nil, save: nil, maxMemoryPolicy: nil, unavailable: error.description)
        }
    }

    static func table(_ rows: [(String, TopicStats)], _ jobs: [JobSummary], _ workers: [WorkerHeartbeat], _ health: Health) -> String {
        let width = max(5, rows.map(\.0.count).max() ?? 0)
        func pad(_ text: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - text.count))
            return left ? text + fill : fill + text
        }
        func row(_ cells: [String]) -> String {
            pad(cells[0], width, left: true) + cells.dropFirst().map { " " + pad($0, 9) }.joined()
        }
        var lines = [row(["topic", "length", "pending", "workers", "lag", "dead"])]
        for (topic, s) in rows {
            lines.append(row([topic] + [s.length, s.pending, s.consumers, s.lag, s.deadLetters].map(String.init)))
        }
        if rows.isEmpty { lines.append("(no topics)") }
        lines.append("")
        lines.append(workers.isEmpty ? "no live workers" : "live workers:")
        for w in workers { lines.append("  \(w.name)  \(w.pipeline)  \(w.stages.joined(separator: ","))") }
        lines.append("")
        lines.append(jobs.isEmpty ? "no jobs in flight" : "jobs in flight:")
        for j in jobs {
            lines.append("  \(j.job)  \(j.pipeline)  \(j.finished)/\(j.videos) videos finished" + (j.epoch > 1 ? " (started over: epoch \(j.epoch))" : ""))
        }
        lines.append("")
        let warnings = health.durability.warnings
        lines.append(warnings.isEmpty ? "redis: \(health.durability.settings): a restart or memory pressure loses no acknowledged work"
                                      : "redis: \(health.durability.settings)")
        for w in warnings { lines.append("  warning: \(w)") }
        let megabytes = String(format: "%.1f", Double(health.usage.bytes) / 1_048_576)
        lines.append("frames folder \(health.frames): \(health.usage.files) frames, \(megabytes) MB")
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [(String, TopicStats)], _ jobs: [JobSummary], _ workers: [WorkerHeartbeat], _ health: Health) -> String {
        let topics = JSONValue.array(rows.map { topic, s in
            .object(["topic": .string(topic), "length": .number(Double(s.length)), "pending": .number(Double(s.pending)),
                     "workers": .number(Double(s.consumers)), "lag": .number(Double(s.lag)), "dead_letters": .number(Double(s.deadLetters))])
        })
        let list = JSONValue.array(jobs.map { j in
            .object(["job": .string(j.job), "pipeline": .string(j.pipeline), "videos": .number(Double(j.videos)), "finished": .number(Double(j.finished)),
                     "epoch": .number(Double(j.epoch))])
        })
        let live = JSONValue.array(workers.map { w in
            .object(["name": .string(w.name), "pipeline": .string(w.pipeline), "stages": .array(w.stages.map(JSONValue.string))])
        })
        let d = health.durability
        func setting(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let redis = JSONValue.object([
            "appendonly": setting(d.appendOnly), "save": setting(d.save), "maxmemory_policy": setting(d.maxMemoryPolicy),
            "unavailable": setting(d.unavailable), "warnings": .array(d.warnings.map(JSONValue.string)),
        ])
        let frames = JSONValue.object(["path": .string(health.frames), "files": .number(Double(health.usage.files)),
                                       "bytes": .number(Double(health.usage.bytes))])
        return JSONValue.object(["topics": topics, "workers": live, "jobs": list, "redis": redis, "frames": frames]).jsonText
    }
}
