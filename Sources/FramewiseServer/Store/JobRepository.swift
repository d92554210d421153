import Foundation

/// Durable jobs of the server: what was accepted, which videos wait or run, and each video's one
/// result. Named apart from FramewiseCore's `JobStore` (the shared state of distributed runs).
///
/// Invariants every implementation keeps: a job is stored (with all its videos) before it is
/// acknowledged; a video's result is written at most once and a video with a result is never
/// handed out again; `recoverInterrupted` puts videos a dead process held back in the queue.
public protocol JobRepository: Sendable {
    /// Stores a job and its videos in one transaction, unless more than `maxQueued` videos of
    /// `pipelines` (nil: of all) would then wait: then nothing is stored and `.queueFull` is thrown.
    /// (A server counts the pipelines it serves, so videos left queued for one it no longer
    /// serves do not block it.)
    func submit(_ job: NewJob, maxQueued: Int, queueOf pipelines: [String]?) async throws(JobRepositoryError) -> JobSnapshot
    /// The job, as `owner` sees it (nil owner: any job). `.notFound` / `.forbidden` otherwise.
    func job(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot
    /// Jobs visible to `owner` (nil: all), newest first.
    func jobs(owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (jobs: [JobSnapshot], total: Int)
    /// Stored results of a job in video order, and how many there are in all, as `owner` sees
    /// them (nil owner: any job; `.notFound` / `.forbidden` otherwise), in one read.
    func results(job: String, owner: String?, offset: Int, limit: Int) async throws(JobRepositoryError) -> (lines: [String], total: Int)
    /// Results stored after result sequence number `after`, in the order they were stored.
    func results(job: String, after: Int64) async throws(JobRepositoryError) -> [StoredResult]
    /// Cancels a job: its pending videos and stored results are removed; it stays listed as cancelled.
    func cancel(_ id: String, owner: String?) async throws(JobRepositoryError) -> JobSnapshot

    /// Marks up to `limit` queued videos of `pipeline` running and returns them, in priority then
    /// arrival order.
    func claim(pipeline: String, limit: Int) async throws(JobRepositoryError) -> [ClaimedVideo]
    /// Stores a video's result once; false when it already had one or its job is gone.
    func storeResult(video: Int64, status: String, json: String) async throws(JobRepositoryError) -> Bool
    /// Puts claimed videos that have no result back in the queue (a result that could not be stored).
    func requeue(videos: [Int64]) async throws(JobRepositoryError)
    /// Puts running videos back in the queue at start: every one for a store one server owns
    /// (SQLite); for a shared store, those of this server's earlier process and those whose lease expired.
    func recoverInterrupted() async throws(JobRepositoryError) -> Int
    /// Extends the leases of the videos this server runs; how many (shared stores; others: 0).
    func renewLeases() async throws(JobRepositoryError) -> Int
    /// Puts running videos whose lease expired (their server died) back in the queue; how many.
    func requeueExpiredLeases() async throws(JobRepositoryError) -> Int
    /// Deletes finished or cancelled jobs older than `before`; returns their ids.
    func deleteFinished(before: Date) async throws(JobRepositoryError) -> [String]
    /// Videos waiting in the queue, and results stored within the last `window` seconds.
    func load(window: Double) async throws(JobRepositoryError) -> (queued: Int, recentResults: Int)
    /// Whether the store answers.
    func ping() async -> Bool
    /// Upkeep the store wants done off the request path; the server calls it every second
    /// (SQLite: copying its write-ahead log into the database file; others: nothing).
    func maintain() async
    /// Releases connections (a no-op for an embedded store); call once when done.
    func close() async
}

/// A store the server runs on: jobs and tokens together.
public typealias ServerStore = JobRepository & TokenRepository

extension JobRepository {
    /// Stores a job unless more than `maxQueued` videos (of any pipeline) would then wait.
    public func submit(_ job: NewJob, maxQueued: Int) async throws(JobRepositoryError) -> JobSnapshot {
        try await submit(job, maxQueued: maxQueued, queueOf: nil)
    }

    public func close() async {}

    public func maintain() async {}

    /// Stored results of a job in video order, whoever owns it.
    public func results(job: String, offset: Int, limit: Int) async throws(JobRepositoryError) -> (lines: [String], total: Int) {
        try await results(job: job, owner: nil, offset: offset, limit: limit)
    }

    /// A store one server owns has no leases: nothing to renew.
    public func renewLeases() async throws(JobRepositoryError) -> Int { 0 }

    /// A store one server owns has no leases: nothing expires.
    public func requeueExpiredLeases() async throws(JobRepositoryError) -> Int { 0 }
}

/// A job as submitted, after validation.
public struct NewJob: Sendable {
    public var pipeline: String
    public var videos: [String]
    public var priority: Int
    /// Per-video latency objective in seconds (nil: none).
    public var slo: Double?
    /// The token that submitted it (nil when the server runs without tokens).
    public var owner: String?
    /// The job's id, when the caller chose it (uploads are stored under it before the job is); nil: a new one.
    public var id: String?

    public init(pipeline: String, videos: [String], priority: Int = 0, slo: Double? = nil, owner: String? = nil, id: String? = nil) {
        self.id = id
        self.pipeline = pipeline
        self.videos = videos
        self.priority = priority
        self.slo = slo
        self.owner = owner
    }
}

/// A job's lifecycle as clients see it.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// No video started yet.
    case queued
    /// Some videos started or finished, not all finished.
    case running
    /// Every video has a result, at least one ok.
    case done
    /// Every video has a result and every one failed.
    case failed
    /// Cancelled by its owner: pending videos and stored results removed.
    case cancelled

    /// The state from a job's counts, as every store derives it.
    static func derived(cancelled: Bool, ok: Int, failed: Int, running: Int, total: Int) -> JobState {
        if cancelled { return .cancelled }
        if ok + failed >= total { return ok == 0 && total > 0 ? .failed : .done }
        return ok + failed + running > 0 ? .running : .queued
    }

    /// A new job id: `job_` and 20 hex digits.
    public static func newJobID() -> String { "job_" + BearerSecret.randomHex(bytes: 10) }
}

/// A job with its counts at one moment.
public struct JobSnapshot: Sendable, Equatable {
    public var id: String
    public var pipeline: String
    public var state: JobState
    public var priority: Int
    public var slo: Double?
    public var createdAt: Date
    public var finishedAt: Date?
    public var ok: Int
    public var failed: Int
    public var running: Int
    public var total: Int

    /// Fraction of the videos with a result.
    public var progress: Double { total == 0 ? 1 : Double(ok + failed) / Double(total) }
    /// Whether nothing more will happen to the job.
    public var isFinal: Bool { state == .done || state == .failed || state == .cancelled }
}

extension JobSnapshot {
    /// A job as it is the moment it is stored: nothing run yet (a store need not read it back).
    init(accepted job: NewJob, id: String, at seconds: Double) {
        self.init(id: id, pipeline: job.pipeline, state: JobState.derived(cancelled: false, ok: 0, failed: 0, running: 0, total: job.videos.count),
                  priority: job.priority, slo: job.slo, createdAt: Date(timeIntervalSince1970: seconds), finishedAt: nil,
                  ok: 0, failed: 0, running: 0, total: job.videos.count)
    }
}

/// A queued video handed to the scheduler.
public struct ClaimedVideo: Sendable, Equatable {
    public var id: Int64
    public var job: String
    public var position: Int
    public var path: String
    public var slo: Double?
    public var acceptedAt: Date
}

/// One stored result: its sequence number (store order), the video's position in its job, and
/// the JSON line `run` would write for it.
public struct StoredResult: Sendable, Equatable {
    public var sequence: Int64
    public var position: Int
    public var json: String
}

/// What the job repository refuses or fails at. The server maps these to HTTP statuses.
public enum JobRepositoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(job: String)
    /// The job belongs to another token.
    case forbidden(job: String)
    /// The queue holds `queued` videos; `adding` more would pass `limit`.
    case queueFull(queued: Int, adding: Int, limit: Int)
    /// The database failed (its message).
    case storage(String)

    public var description: String {
        switch self {
        case let .notFound(job): "no job \(job)"
        case let .forbidden(job): "job \(job) belongs to another token"
        case let .queueFull(queued, adding, limit): "the queue holds \(queued) videos; \(adding) more would pass --max-queued \(limit)"
        case let .storage(message): "job store: \(message)"
        }
    }
}
