import Foundation
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime

/// A distributed deployment at one moment: every stage topic's depth, pending, live workers, lag
/// and dead letters; the live workers; the jobs in flight; whether Redis' settings can lose work;
/// and the frames folder's size. `framewise status` prints it as a table or JSON.
public struct ClusterStatus: Sendable {
    /// One stage topic.
    public struct Topic: Sendable {
        public var name: String
        public var stats: TopicStats
    }

    public var topics: [Topic]
    public var workers: [WorkerHeartbeat]
    public var jobs: [JobSummary]
    public var durability: RedisDurability
    public var framesDirectory: String
    public var frameFiles: Int
    public var frameBytes: Int

    /// Reads the deployment (only `pipeline`'s topics when given).
    public static func read(_ connection: ClusterConnection, pipeline: String? = nil) async throws -> ClusterStatus {
        var names = try await connection.frames.topics()
        if let pipeline { names = names.filter { $0.hasPrefix(pipeline + ".") } }
        let workers = try await connection.store.workers()
        var topics: [Topic] = []
        for name in names {
            var stats = try await connection.frames.stats(topic: name, group: ClusterOptions.group)
            // Live workers serving the topic (by heartbeat): dead consumers linger in a Redis group.
            stats.consumers = workers.filter { serves($0, topic: name) }.count
            topics.append(Topic(name: name, stats: stats))
        }
        let jobs = try await connection.store.jobs()
        let usage = connection.storage.usage()
        return ClusterStatus(topics: topics, workers: workers, jobs: jobs, durability: try await durability(connection),
                             framesDirectory: connection.storage.root, frameFiles: usage.files, frameBytes: usage.bytes)
    }

    /// Drops a job (e.g. of a run that was killed): its keys and frames; workers skip the rest of it.
    public static func abandon(job: String, _ connection: ClusterConnection) async throws {
        try await connection.store.removeJob(job)
        connection.storage.removeJob(job)
    }

    /// Whether `worker` consumes `topic` (`<pipeline>.decode` or `<pipeline>.stage.<name>`).
    static func serves(_ worker: WorkerHeartbeat, topic: String) -> Bool {
        worker.stages.contains { stage in
            topic == (stage == ClusterWorker.decodeStage ? ClusterOptions.decodeTopic(pipeline: worker.pipeline)
                                                         : ClusterOptions.topic(pipeline: worker.pipeline, stage: stage))
        }
    }

    /// The server's settings; a refused CONFIG (e.g. renamed on a managed service) is reported, not fatal.
    static func durability(_ connection: ClusterConnection) async throws -> RedisDurability {
        do {
            return try await connection.durability()
        } catch let error as RedisError where error.serverErrorCode != nil {
            return RedisDurability(appendOnly: nil, save: nil, maxMemoryPolicy: nil, unavailable: error.description)
        }
    }

    /// The readable form.
    public var table: String {
        let width = max(5, topics.map(\.name.count).max() ?? 0)
        func pad(_ text: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - text.count))
            return left ? text + fill : fill + text
        }
        func row(_ cells: [String]) -> String {
            pad(cells[0], width, left: true) + cells.dropFirst().map { " " + pad($0, 9) }.joined()
        }
        var lines = [row(["topic", "length", "pending", "workers", "lag", "dead"])]
        for t in topics {
            let s = t.stats
            lines.append(row([t.name] + [s.length, s.pending, s.consumers, s.lag, s.deadLetters].map(String.init)))
        }
        if topics.isEmpty { lines.append("(no topics)") }
        lines.append("")
        lines.append(workers.isEmpty ? "no live workers" : "live workers:")
        for w in workers { lines.append("  \(w.name)  \(w.pipeline)  \(w.stages.joined(separator: ","))") }
        lines.append("")
        lines.append(jobs.isEmpty ? "no jobs in flight" : "jobs in flight:")
        for j in jobs {
            lines.append("  \(j.job)  \(j.pipeline)  \(j.finished)/\(j.videos) videos finished" + (j.epoch > 1 ? " (started over: epoch \(j.epoch))" : ""))
        }
        lines.append("")
        let warnings = durability.warnings
        lines.append(warnings.isEmpty ? "redis: \(durability.settings): a restart or memory pressure loses no acknowledged work"
                                      : "redis: \(durability.settings)")
        for w in warnings { lines.append("  warning: \(w)") }
        let megabytes = String(format: "%.1f", Double(frameBytes) / 1_048_576)
        lines.append("frames folder \(framesDirectory): \(frameFiles) frames, \(megabytes) MB")
        return lines.joined(separator: "\n")
    }

    /// The JSON form (`status --json`).
    public var json: JSONValue {
        let topicList = JSONValue.array(topics.map { t in
            let s = t.stats
            return .object(["topic": .string(t.name), "length": .number(Double(s.length)), "pending": .number(Double(s.pending)),
                            "workers": .number(Double(s.consumers)), "lag": .number(Double(s.lag)), "dead_letters": .number(Double(s.deadLetters))])
        })
        let list = JSONValue.array(jobs.map { j in
            .object(["job": .string(j.job), "pipeline": .string(j.pipeline), "videos": .number(Double(j.videos)), "finished": .number(Double(j.finished)),
                     "epoch": .number(Double(j.epoch))])
        })
        let live = JSONValue.array(workers.map { w in
            .object(["name": .string(w.name), "pipeline": .string(w.pipeline), "stages": .array(w.stages.map(JSONValue.string))])
        })
        let d = durability
        func setting(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let redis = JSONValue.object([
            "appendonly": setting(d.appendOnly), "save": setting(d.save), "maxmemory_policy": setting(d.maxMemoryPolicy),
            "unavailable": setting(d.unavailable), "warnings": .array(d.warnings.map(JSONValue.string)),
        ])
        let frames = JSONValue.object(["path": .string(framesDirectory), "files": .number(Double(frameFiles)), "bytes": .number(Double(frameBytes))])
        return .object(["topics": topicList, "workers": live, "jobs": list, "redis": redis, "frames": frames])
    }
}
