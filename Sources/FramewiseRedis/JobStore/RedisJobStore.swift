import FramewiseCore
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A `JobStore` in Redis: a hash per job, video and frame, a set of videos whose result was
/// written, and a stream per job announcing finished videos. Every write is a Lua script
/// (atomic, idempotent); see `RedisJobScripts`. With AOF on, the state survives a restart.
///
/// Keys under `<keyPrefix>:job:<job>`: the job hash itself (with the job's current `epoch`),
/// `:written`, `:done` (stream), `:v:<video>` and `:f:<video>:<slot>`. The set `<keyPrefix>:jobs`
/// lists the jobs; `<keyPrefix>:epoch` holds the store's token (see `storeEpoch`).
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
    var storeEpochKey: String { "\(keyPrefix):epoch" }

    func run<T: Sendable>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        try await pool.withRetries(attempts: attempts, backoff: backoff, logger: logger, body)
    }

    /// Runs `script` with the job's guard keys first, then `keys`; `arguments` after the video
    /// index and the epoch.
    func script(_ script: String, job: String, epoch: Int, video: Int, keys: [String], arguments: [any RESPArgument]) async throws -> RESPValue {
        let all: [any RESPArgument] = [script, 2 + keys.count, jobKey(job), writtenKey(job)] + keys.map { $0 as any RESPArgument }
            + [video as any RESPArgument, epoch as any RESPArgument] + arguments
        return try await run { connection in try await connection.send(RESPCommand("EVAL", arguments: all)) }
    }

    /// A number as Redis stores it: Swift's shortest text that reads back as the same Double.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "0" }

    public func createJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws {
        let created = Self.number(Date().timeIntervalSince1970)
        _ = try await run { connection in
            try await connection.pipeline([
                RESPCommand("HSET", self.jobKey(job), "pipeline", pipeline, "videos", videos, "created", created, "epoch", epoch),
                RESPCommand("SADD", self.jobsKey, job),
            ])
        }
    }

    public func restartJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws {
        // The epoch first: from then on every script refuses the writes of earlier epochs, so
        // what is forgotten below cannot come back.
        try await createJob(job, pipeline: pipeline, videos: videos, epoch: epoch)
        try await unlinkJobKeys(job)
    }

    public func storeEpoch() async throws -> String {
        let fresh = UUID().uuidString.lowercased()
        let reply = try await run { connection in
            try await connection.send(RESPCommand("EVAL", RedisJobScripts.storeEpoch, 1, self.storeEpochKey, fresh))
        }
        guard let token = reply.string else {
            throw BrokerError.connection(RedisError.unexpectedReply(command: "EVAL storeEpoch", reply: "\(reply)").description)
        }
        return token
    }

    public func check(job: String) async throws -> JobStoreCheck {
        let replies = try await run { connection in
            try await connection.pipeline([
                RESPCommand("GET", self.storeEpochKey), RESPCommand("HGET", self.jobKey(job), "epoch"), RESPCommand("INFO", "stats"),
            ])
        }
        for reply in replies.prefix(2) {
            if let message = reply.errorMessage { throw BrokerError.connection(RedisError.server(command: "GET/HGET", message: message).description) }
        }
        // INFO may be disabled (managed Redis renames it): then eviction cannot be told.
        let evicted = replies[2].errorMessage == nil ? replies[2].string.flatMap { Self.infoField("evicted_keys", in: $0) } : nil
        return JobStoreCheck(storeEpoch: replies[0].string, jobEpoch: replies[1].string.flatMap(Int.init), evictedKeys: evicted)
    }

    /// The integer `name:value` line of an `INFO` reply.
    static func infoField(_ name: String, in info: String) -> Int? {
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
        return line.flatMap { Int($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)) }
    }

    public func frameDecoded(job: String, epoch: Int, video: Int, slot: Int, info: StoredFrameInfo) async throws -> FrameDecodedOutcome {
        let text = "\(info.index) \(Self.number(info.time)) \(Self.number(info.readyAt))" + (info.sourceIndex.map { " \($0)" } ?? "")
        let reply = try await script(RedisJobScripts.frameDecoded, job: job, epoch: epoch, video: video, keys: [frameKey(job, video, slot)],
                                     arguments: [text])
        switch reply.int {
        case 1: return .publish
        case 0: return .alreadyPublished
        default: return .videoGone
        }
    }

    public func markPublished(job: String, epoch: Int, video: Int, slot: Int, stages: [String]) async throws {
        guard !stages.isEmpty else { return }
        _ = try await script(RedisJobScripts.markPublished, job: job, epoch: epoch, video: video, keys: [frameKey(job, video, slot)],
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
        let reply = try await script(RedisJobScripts.record, job: u.job, epoch: u.epoch, video: u.video,
                                     keys: [frameKey(u.job, u.video, u.slot), videoKey(u.job, u.video), doneKey(u.job)], arguments: arguments)
        return (reply.array ?? []).compactMap(\.string)
    }

    public func videoDecoded(job: String, epoch: Int, video: Int, frames: Int, decodedFrames: Int, decodeSeconds: Double,
                             media: VideoMetadata?) async throws {
        _ = try await script(RedisJobScripts.videoDecoded, job: job, epoch: epoch, video: video, keys: [videoKey(job, video), doneKey(job)],
                             arguments: [frames, decodedFrames, Self.number(decodeSeconds), media?.storedText ?? ""])
    }

    public func fail(job: String, epoch: Int, video: Int, error: String) async throws {
        _ = try await script(RedisJobScripts.fail, job: job, epoch: epoch, video: video, keys: [videoKey(job, video), doneKey(job)], arguments: [error])
    }

    public func isFinished(job: String, epoch: Int, video: Int) async throws -> Bool {
        try await script(RedisJobScripts.isFinished, job: job, epoch: epoch, video: video, keys: [videoKey(job, video)], arguments: []).int == 1
    }
}
