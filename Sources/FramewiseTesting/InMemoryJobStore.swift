import Foundation
import FramewiseCore
import Synchronization

/// A `JobStore` in this process's memory, with the Redis store's semantics (every write checks
/// that the job is alive and the video's result not yet written; outputs kept once per stage;
/// frames and videos finished exactly once and announced on the job's finished feed), so the
/// distributed path can be tested without a Redis server.
public final class InMemoryJobStore: JobStore {
    private struct Frame {
        var info: StoredFrameInfo
        var outputs: [String: Data] = [:]
        var published: Set<String> = []
        var late = false
        var completedAt: Double?
    }

    private struct Video {
        var totalFrames: Int?
        var decodedFrames = 0
        var decodeSeconds = 0.0
        var error: String?
        var media: VideoMetadata?
        var finished = false
        var framesDone = 0
        var stages: [String: StageTime] = [:]
        var frames: [Int: Frame] = [:]
    }

    private struct Job {
        var pipeline: String
        var videos: Int
        var created: Double
        var epoch: Int
        var state: [Int: Video] = [:]
        var written: Set<Int> = []
        var finishedFeed: [Int] = []
    }

    private struct State {
        var token = UUID().uuidString
        var jobs: [String: Job] = [:]
        var workers: [String: (worker: WorkerHeartbeat, until: ContinuousClock.Instant)] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` on a live video of a live job, at the job's current epoch, whose result is not
    /// written yet; `otherwise` if not.
    private func live<T: Sendable>(_ job: String, _ epoch: Int, _ video: Int, otherwise: @autoclosure () -> T,
                                   _ body: (inout Video, inout Job) -> T) -> T {
        state.withLock { s in
            guard var j = s.jobs[job], j.epoch == epoch, !j.written.contains(video) else { return otherwise() }
            var v = j.state[video] ?? Video()
            let out = body(&v, &j)
            j.state[video] = v
            s.jobs[job] = j
            return out
        }
    }

    public func createJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws {
        state.withLock { s in
            if s.jobs[job] == nil { s.jobs[job] = Job(pipeline: pipeline, videos: videos, created: Date().timeIntervalSince1970, epoch: epoch) }
        }
    }

    public func restartJob(_ job: String, pipeline: String, videos: Int, epoch: Int) async throws {
        state.withLock { s in
            let written = s.jobs[job]?.written ?? []
            var j = Job(pipeline: pipeline, videos: videos, created: s.jobs[job]?.created ?? Date().timeIntervalSince1970, epoch: epoch)
            j.written = written
            s.jobs[job] = j
        }
    }

    public func storeEpoch() async throws -> String { state.withLock { $0.token } }

    public func check(job: String) async throws -> JobStoreCheck {
        state.withLock { JobStoreCheck(storeEpoch: $0.token, jobEpoch: $0.jobs[job]?.epoch) }
    }

    /// Forgets everything, as a Redis that restarted without persistence would (for tests of recovery).
    public func loseEverything() {
        state.withLock { $0 = State() }
    }

    public func frameDecoded(job: String, epoch: Int, video: Int, slot: Int, info: StoredFrameInfo) async throws -> FrameDecodedOutcome {
        live(job, epoch, video, otherwise: .videoGone) { v, _ in
            if v.frames[slot] == nil { v.frames[slot] = Frame(info: info) }
            return v.frames[slot]?.published.contains(JobStoreKeys.roots) == true ? .alreadyPublished : .publish
        }
    }

    public func markPublished(job: String, epoch: Int, video: Int, slot: Int, stages: [String]) async throws {
        live(job, epoch, video, otherwise: ()) { v, _ in
            guard v.frames[slot] != nil else { return }
            v.frames[slot]?.published.formUnion(stages)
        }
    }

    public func record(_ u: StageOutputUpdate) async throws -> [String] {
        live(u.job, u.epoch, u.video, otherwise: []) { v, j in
            guard var frame = v.frames[u.slot], !v.finished else { return [] }
            var new = 0
            for (stage, bytes) in u.outputs where frame.outputs[stage] == nil {
                frame.outputs[stage] = bytes
                new += 1
            }
            let ready = u.candidates.keys.sorted().filter { stage in
                frame.outputs[stage] == nil && !frame.published.contains(stage)
                    && (u.candidates[stage] ?? []).allSatisfy { frame.outputs[$0] != nil }
            }
            if new > 0 {
                v.stages[u.stage, default: StageTime()].add(u.time)
                if u.late { frame.late = true }
                if frame.outputs.count >= u.stageCount, frame.completedAt == nil {
                    frame.completedAt = u.now
                    v.framesDone += 1
                    if let total = v.totalFrames, v.framesDone >= total, !v.finished {
                        v.finished = true
                        j.finishedFeed.append(u.video)
                    }
                }
            }
            v.frames[u.slot] = frame
            return ready
        }
    }

    public func outputs(job: String, video: Int, slot: Int, stages: [String]) async throws -> [String: Data] {
        state.withLock { s in
            let outputs = s.jobs[job]?.state[video]?.frames[slot]?.outputs ?? [:]
            return outputs.filter { stages.contains($0.key) }
        }
    }

    public func videoDecoded(job: String, epoch: Int, video: Int, frames: Int, decodedFrames: Int, decodeSeconds: Double,
                             media: VideoMetadata?) async throws {
        live(job, epoch, video, otherwise: ()) { v, j in
            guard !v.finished else { return }
            v.media = media
            v.totalFrames = frames
            v.decodedFrames = decodedFrames
            v.decodeSeconds = decodeSeconds
            if v.framesDone >= frames {
                v.finished = true
                j.finishedFeed.append(video)
            }
        }
    }

    public func fail(job: String, epoch: Int, video: Int, error: String) async throws {
        live(job, epoch, video, otherwise: ()) { v, j in
            if v.error == nil { v.error = error }
            if !v.finished {
                v.finished = true
                j.finishedFeed.append(video)
            }
        }
    }

    public func isFinished(job: String, epoch: Int, video: Int) async throws -> Bool {
        state.withLock { s in
            guard let j = s.jobs[job], j.epoch == epoch, !j.written.contains(video) else { return true }
            return j.state[video]?.finished ?? false
        }
    }

    /// The cursor is the count of entries of the job's finished feed read so far.
    public func finishedVideos(job: String, after cursor: String?, wait: Duration) async throws -> (videos: [Int], cursor: String?) {
        let start = cursor.flatMap(Int.init) ?? 0
        let deadline = ContinuousClock.now.advanced(by: wait)
        while true {
            let feed = state.withLock { $0.jobs[job]?.finishedFeed ?? [] }
            if feed.count > start { return (Array(feed[start...]), String(feed.count)) }
            if ContinuousClock.now >= deadline { return ([], cursor) }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    public func video(job: String, video: Int) async throws -> StoredVideo {
        state.withLock { s in
            guard let v = s.jobs[job]?.state[video] else { return StoredVideo() }
            let frames = (0..<(v.totalFrames ?? 0)).compactMap { slot in
                v.frames[slot].map { StoredFrame(slot: slot, info: $0.info, outputs: $0.outputs, late: $0.late, completedAt: $0.completedAt) }
            }
            return StoredVideo(totalFrames: v.totalFrames, decodedFrames: v.decodedFrames, decodeSeconds: v.decodeSeconds, error: v.error,
                               stages: v.stages, frames: frames, media: v.media)
        }
    }

    public func removeVideo(job: String, video: Int, frames: Int) async throws {
        state.withLock { s in
            s.jobs[job]?.written.insert(video)
            s.jobs[job]?.state[video] = nil
        }
    }

    public func removeJob(_ job: String) async throws {
        _ = state.withLock { $0.jobs.removeValue(forKey: job) }
    }

    public func jobs() async throws -> [JobSummary] {
        state.withLock { s in
            s.jobs.keys.sorted().compactMap { id in
                s.jobs[id].map { JobSummary(job: id, pipeline: $0.pipeline, videos: $0.videos, finished: $0.finishedFeed.count, created: $0.created,
                                            epoch: $0.epoch) }
            }
        }
    }

    public func heartbeat(_ worker: WorkerHeartbeat, ttl: Duration) async throws {
        state.withLock { $0.workers[worker.name] = (worker, ContinuousClock.now.advanced(by: ttl)) }
    }

    public func workers() async throws -> [WorkerHeartbeat] {
        state.withLock { s in
            let now = ContinuousClock.now
            s.workers = s.workers.filter { $0.value.until > now }
            return s.workers.values.map(\.worker).sorted { $0.name < $1.name }
        }
    }
}
