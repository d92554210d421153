import FramewiseCore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A `JobStore` in Redis: a hash per job, video and frame, a set of videos whose result was
/// written, and a stream per job announcing finished videos. Every write is a Lua script
/// (atomic, idempotent); see `RedisJobScripts`. With AOF on, the state survives a restart.
///
/// Keys under `<keyPrefix>:job:<job>`: the job hash itself, `:written`, `:done` (stream),
/// `:v:<video>` and `:f:<video>:<slot>`. The set `<keyPrefix>:jobs` lists the jobs.
public final class RedisJobStore: JobStore {
    /// Server, credentials and timeouts.
    public let connection: RedisConnectionConfiguration
    public let keyPrefix: String
    let pool: RedisConnectionPool
    let logger: Logger
    let attempts: Int
    let backoff: RedisBackoff

    public init(
        connection: RedisConnectionConfiguration, keyPrefix: String = "framewise", poolSize: Int = 8,
        reconnect: RedisBackoff = RedisBackoff(), attempts: Int = 6,
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "framewise.redis", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.connection = connection
        self.keyPrefix = keyPrefix
        self.logger = logger
        self.attempts = max(1, attempts)
        self.backoff = reconnect
        self.pool = RedisConnectionPool(configuration: connection, maxConnections: max(1, poolSize), reconnect: reconnect, on: group, logger: logger)
    }

    /// Closes the connections.
    public func shutdown() async { await pool.close() }

    func jobKey(_ job: String) -> String { "\(keyPrefix):job:\(job)" }
    func writtenKey(_ job: String) -> String { jobKey(job) + ":written" }
    func doneKey(_ job: String) -> String { jobKey(job) + ":done" }
    func videoKey(_ job: String, _ video: Int) -> String { jobKey(job) + ":v:\(video)" }
    func frameKey(_ job: String, _ video: Int, _ slot: Int) -> String { jobKey(job) + ":f:\(video):\(slot)" }
    var jobsKey: String { "\(keyPrefix):jobs" }

    func run<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        try await pool.withRetries(attempts: attempts, backoff: backoff, logger: logger, body)
    }

    /// Runs `script` with the job's guard keys first, then `keys`; `arguments` after the video index.
    func script(_ script: String, job: String, video: Int, keys: [String], arguments: [any RESPArgument]) async throws -> RESPValue {
        let all: [any RESPArgument] = [script, 2 + keys.count, jobKey(job), writtenKey(job)] + keys.map { $0 as any RESPArgument }
            + [video as any RESPArgument] + arguments
        return try await run { connection in try await connection.send(RESPCommand("EVAL", arguments: all)) }
    }

    /// A number as Redis stores it: Swift's shortest text that reads back as the same Double.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "0" }

    public func createJob(_ job: String, pipeline: String, videos: Int) async throws {
        let created = Self.number(Date().timeIntervalSince1970)
        _ = try await run { connection in
            try await connection.pipeline([
                RESPCommand("HSET", self.jobKey(job), "pipeline", pipeline, "videos", videos, "created", created),
                RESPCommand("SADD", self.jobsKey, job),
            ])
        }
    }

    public func frameDecoded(job: String, video: Int, slot: Int, info: StoredFrameInfo) async throws -> FrameDecodedOutcome {
        let text = "\(info.index) \(Self.number(info.time)) \(Self.number(info.readyAt))"
        let reply = try await script(RedisJobScripts.frameDecoded, job: job, video: video, keys: [frameKey(job, video, slot)], arguments: [text])
        switch reply.int {
        case 1: return .publish
        case 0: return .alreadyPublished
        default: return .videoGone
        }
    }

    public func markPublished(job: String, video: Int, slot: Int, stages: [String]) async throws {
        guard !stages.isEmpty else { return }
        _ = try await script(RedisJobScripts.markPublished, job: job, video: video, keys: [frameKey(job, video, slot)],
                             arguments: stages.map { $0 as any RESPArgument })
    }

    public func record(_ u: StageOutputUpdate) async throws -> [String] {
        var arguments: [any RESPArgument] = [u.stageCount, Self.number(u.now), u.late ? "1" : "0", u.stage, u.outputs.count]
        for (stage, bytes) in u.outputs.sorted(by: { $0.key < $1.key }) { arguments += [stage, [UInt8](bytes)] }
        arguments.append(u.candidates.count)
        for (stage, deps) in u.candidates.sorted(by: { $0.key < $1.key }) {
            arguments += [stage, deps.count] + deps.map { $0 as any RESPArgument }
        }
        let fields = u.time.fields
        arguments.append(fields.count)
        for f in fields { arguments += [f.name, Self.number(f.value)] }
        let reply = try await script(RedisJobScripts.record, job: u.job, video: u.video,
                                     keys: [frameKey(u.job, u.video, u.slot), videoKey(u.job, u.video), doneKey(u.job)], arguments: arguments)
        return (reply.array ?? []).compactMap(\.string)
    }

    public func videoDecoded(job: String, video: Int, frames: Int, decodedFrames: Int, decodeSeconds: Double) async throws {
        _ = try await script(RedisJobScripts.videoDecoded, job: job, video: video, keys: [videoKey(job, video), doneKey(job)],
                             arguments: [frames, decodedFrames, Self.number(decodeSeconds)])
    }

    public func fail(job: String, video: Int, error: String) async throws {
        _ = try await script(RedisJobScripts.fail, job: job, video: video, keys: [videoKey(job, video), doneKey(job)], arguments: [error])
    }

    public func isFinished(job: String, video: Int) async throws -> Bool {
        try await script(RedisJobScripts.isFinished, job: job, video: video, keys: [videoKey(job, video)], arguments: []).int == 1
    }
}
