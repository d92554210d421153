import FramewiseCore
import Foundation
import NIOCore

extension RedisJobStore {
    public func finishedVideos(job: String, after cursor: String?, wait: Duration) async throws -> (videos: [Int], cursor: String?) {
        var arguments: [any RESPArgument] = ["COUNT", 512]
        if wait > .zero { arguments += ["BLOCK", wait.redisMilliseconds] }
        arguments += ["STREAMS", doneKey(job), cursor ?? "0-0"]
        let command = RESPCommand("XREAD", arguments: arguments)
        let reply = try await run { connection in try await connection.send(command, timeout: wait + connection.configuration.commandTimeout) }
        guard !reply.isNull, let streams = reply.array else { return ([], cursor) }
        var videos: [Int] = []
        var last = cursor
        for stream in streams {
            for entry in stream.array?.last?.array ?? [] {
                guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { continue }
                last = id
                if let v = parts[1].fields?["video"]?.string.flatMap(Int.init) { videos.append(v) }
            }
        }
        return (videos, last)
    }

    public func outputs(job: String, video: Int, slot: Int, stages: [String]) async throws -> [String: Data] {
        guard !stages.isEmpty else { return [:] }
        let arguments: [any RESPArgument] = [frameKey(job, video, slot)] + stages.map { "o:" + $0 as any RESPArgument }
        let reply = try await run { connection in try await connection.send(RESPCommand("HMGET", arguments: arguments)) }
        var out: [String: Data] = [:]
        for (stage, value) in zip(stages, reply.array ?? []) {
            if let bytes = value.bytes { out[stage] = Data(bytes) }
        }
        return out
    }

    public func video(job: String, video: Int) async throws -> StoredVideo {
        let hash = try await run { connection in try await connection.send(RESPCommand("HGETALL", self.videoKey(job, video))) }
        let fields = hash.fields ?? [:]
        var stored = StoredVideo(
            totalFrames: fields["total"]?.string.flatMap(Int.init),
            decodedFrames: fields["decoded"]?.string.flatMap(Int.init) ?? 0,
            decodeSeconds: fields["decodeSeconds"]?.string.flatMap(Double.init) ?? 0,
            error: fields["error"]?.string,
            media: fields["media"]?.string.flatMap(VideoMetadata.init(storedText:))
        )
        for (name, value) in fields where name.hasPrefix("t:") {
            // t:<stage>:<field>; stage names cannot hold ':' (pipeline identifiers).
            let parts = name.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, let v = value.string.flatMap(Double.init) else { continue }
            stored.stages[parts[1], default: StageTime()].set(parts[2], v)
        }
        guard let total = stored.totalFrames, total > 0 else { return stored }
        let commands = (0..<total).map { RESPCommand("HGETALL", frameKey(job, video, $0)) }
        let replies = try await run { connection in try await connection.pipeline(commands) }
        for (slot, reply) in replies.enumerated() {
            guard let f = reply.fields, let info = f["i"]?.string else { continue }
            let parts = info.split(separator: " ")
            guard parts.count >= 3, let index = Int(parts[0]), let time = Double(parts[1]), let ready = Double(parts[2]) else { continue }
            let source = parts.count > 3 ? Int(parts[3]) : nil
            var outputs: [String: Data] = [:]
            for (name, value) in f where name.hasPrefix("o:") {
                if let bytes = value.bytes { outputs[String(name.dropFirst(2))] = Data(bytes) }
            }
            stored.frames.append(StoredFrame(slot: slot, info: StoredFrameInfo(index: index, time: time, readyAt: ready, sourceIndex: source), outputs: outputs,
                                             late: f["late"] != nil, completedAt: f["c"]?.string.flatMap(Double.init)))
        }
        return stored
    }

    public func removeVideo(job: String, video: Int, frames: Int) async throws {
        var keys: [any RESPArgument] = [videoKey(job, video)]
        keys += (0..<max(0, frames)).map { frameKey(job, video, $0) as any RESPArgument }
        let remove = RESPCommand("UNLINK", arguments: keys)
        _ = try await run { connection in
            try await connection.pipeline([RESPCommand("SADD", self.writtenKey(job), video), remove])
        }
    }

    public func removeJob(_ job: String) async throws {
        // The job hash first: from then on every script's guard turns late writes into no-ops.
        _ = try await run { connection in
            try await connection.pipeline([RESPCommand("UNLINK", self.jobKey(job)), RESPCommand("SREM", self.jobsKey, job)])
        }
        try await unlinkJobKeys(job)
    }

    /// Unlinks every key under the job's hash (not the hash itself).
    func unlinkJobKeys(_ job: String) async throws {
        var cursor = "0"
        repeat {
            let reply = try await run { connection in
                try await connection.send(RESPCommand("SCAN", cursor, "MATCH", self.jobKey(job) + ":*", "COUNT", 1000))
            }
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
            cursor = next
            let keys = (parts[1].array ?? []).compactMap(\.string)
            if !keys.isEmpty {
                _ = try await run { connection in try await connection.send(RESPCommand("UNLINK", arguments: keys.map { $0 as any RESPArgument })) }
            }
        } while cursor != "0"
    }

    public func jobs() async throws -> [JobSummary] {
        let members = try await run { connection in try await connection.send(RESPCommand("SMEMBERS", self.jobsKey)) }
        let ids = (members.array ?? []).compactMap(\.string).sorted()
        guard !ids.isEmpty else { return [] }
        let commands = ids.flatMap { [RESPCommand("HGETALL", jobKey($0)), RESPCommand("XLEN", doneKey($0))] }
        let replies = try await run { connection in try await connection.pipeline(commands) }
        return ids.enumerated().compactMap { i, id in
            guard let f = replies[2 * i].fields, !f.isEmpty else { return nil }
            return JobSummary(job: id, pipeline: f["pipeline"]?.string ?? "", videos: f["videos"]?.string.flatMap(Int.init) ?? 0,
                              finished: replies[2 * i + 1].int ?? 0, created: f["created"]?.string.flatMap(Double.init) ?? 0,
                              epoch: f["epoch"]?.string.flatMap(Int.init) ?? 1)
        }
    }

    public func heartbeat(_ worker: WorkerHeartbeat, ttl: Duration) async throws {
        let value = worker.pipeline + "\n" + worker.stages.joined(separator: ",")
        _ = try await run { connection in
            try await connection.send(RESPCommand("SET", "\(self.keyPrefix):worker:\(worker.name)", value, "PX", max(1, ttl.redisMilliseconds)))
        }
    }

    public func workers() async throws -> [WorkerHeartbeat] {
        var cursor = "0"
        var keys: [String] = []
        repeat {
            let reply = try await run { connection in
                try await connection.send(RESPCommand("SCAN", cursor, "MATCH", "\(self.keyPrefix):worker:*", "COUNT", 1000))
            }
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
            cursor = next
            keys += (parts[1].array ?? []).compactMap(\.string)
        } while cursor != "0"
        guard !keys.isEmpty else { return [] }
        let values = try await run { connection in try await connection.send(RESPCommand("MGET", arguments: keys.map { $0 as any RESPArgument })) }
        let prefix = "\(keyPrefix):worker:"
        return zip(keys, values.array ?? []).compactMap { key, value in
            guard let text = value.string else { return nil }  // expired between SCAN and MGET
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let stages = parts.count > 1 ? parts[1].split(separator: ",").map(String.init) : []
            return WorkerHeartbeat(name: String(key.dropFirst(prefix.count)), pipeline: parts.first ?? "", stages: stages)
        }.sorted { $0.name < $1.name }
    }
}
