import Foundation
import FramewiseCore
import Synchronization

/// Submits videos to a distributed deployment and collects the results that workers on any
/// machine produce, writing each video's result once, in input order, like `StreamingEngine`.
///
/// The run owns a job: it registers it, publishes one decode message per video, follows the
/// job's finished feed, assembles each result from the job store, then forgets the video's
/// state and frames. Messages that workers gave up on (dead letters) fail their videos.
public struct ClusterRun: Sendable {
    public let pipeline: LoadedPipeline
    let frameBroker: any Broker<FrameMessage>
    let videoBroker: any Broker<VideoMessage>
    let store: any JobStore
    let frames: any FrameStorage
    /// Per-video latency objective from submission (nil: none).
    public var slo: Duration?
    /// The job's id (a fresh one per run by default).
    public var job: String

    public init(pipeline: LoadedPipeline, frameBroker: any Broker<FrameMessage>, videoBroker: any Broker<VideoMessage>,
                store: any JobStore, frames: any FrameStorage, slo: Duration? = nil, job: String? = nil) {
        self.pipeline = pipeline
        self.frameBroker = frameBroker
        self.videoBroker = videoBroker
        self.store = store
        self.frames = frames
        self.slo = slo
        self.job = job ?? String(UUID().uuidString.prefix(8)).lowercased()
    }

    /// Submits `videos` and writes each result to `sink` in input order.
    public func run(videos: [String], sink: any ResultSink, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> RunReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = RunReport()
        guard !videos.isEmpty else { try await sink.finish(); return report }
        try await store.createJob(job, pipeline: pipeline.spec.name, videos: videos.count)
        let submitFailure = Mutex<(any Error)?>(nil)
        let submitter = Task {
            do { try await submit(videos) } catch { submitFailure.withLock { $0 = $0 ?? error } }
        }
        defer { submitter.cancel() }

        var writer = InOrderWriter(sink: sink)
        var written = Set<Int>()
        var cursor: String?
        var letters = DeadLetterCursor()
        var failure: (any Error)?
        var lastLetters = clock.now
        var outage = Outage()
        while written.count < videos.count {
            if let error = submitFailure.withLock({ $0 }) { throw error }
            if Task.isCancelled {
                // The run was stopped: drop the job, so workers skip what is left of it.
                await abandon()
                throw CancellationError()
            }
            do {
                let (finished, next) = try await store.finishedVideos(job: job, after: cursor, wait: .seconds(1))
                for video in finished where video >= 0 && video < videos.count && !written.contains(video) {
                    let stored = try await store.video(job: job, video: video)
                    written.insert(video)
                    for frame in stored.frames { if let done = frame.completedAt { report.frameSeconds.append(max(0, done - frame.info.readyAt)) } }
                    let result = pipeline.result(of: stored, path: videos[video])
                    do {
                        try await writer.add(result, index: video, latency: (clock.now - start).seconds, to: &report)
                    } catch {
                        failure = failure ?? error
                    }
                    frames.removeVideo(job: job, video: video)
                    try? await store.removeVideo(job: job, video: video, frames: stored.totalFrames ?? stored.frames.count)
                    progress?(written.count, videos.count)
                }
                cursor = next
                if finished.isEmpty || clock.now - lastLetters > .seconds(2) {
                    lastLetters = clock.now
                    try await failDeadLettered(&letters, videos: videos.count)
                }
                outage.reset()
            } catch let error as BrokerError where error != .closed {
                // Redis is restarting or unreachable: its state is durable, so wait and carry on.
                try await outage.wait(error)
            }
        }
        try? await store.removeJob(job)
        frames.removeJob(job)
        if let failure { throw failure }
        try await sink.finish()
        report.wallSeconds = (clock.now - start).seconds
        return report
    }

    /// Forgets the job and its frames: every later write of a worker for it is a no-op, and
    /// its messages still queued are skipped (acked unprocessed) when they come up.
    public func abandon() async {
        try? await store.removeJob(job)
        frames.removeJob(job)
    }

    /// Publishes one decode message per video (waiting while the decode topic is full, and
    /// while Redis is unreachable; a publish retried after a lost connection may duplicate a
    /// message, which the decoders handle like any redelivery).
    private func submit(_ videos: [String]) async throws {
        let now = Date().timeIntervalSince1970
        let deadline = slo.map { now + $0.seconds }
        var batch: [VideoMessage] = []
        for (i, path) in videos.enumerated() {
            batch.append(VideoMessage(job: job, video: i, path: Self.absolute(path), submittedAt: now, deadline: deadline))
            if batch.count == 64 || i == videos.count - 1 {
                var outage = Outage()
                while true {
                    do {
                        try await videoBroker.publish(batch, to: ClusterOptions.decodeTopic(pipeline: pipeline.spec.name))
                        break
                    } catch let error as BrokerError where error != .closed {
                        try await outage.wait(error)
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// How long the broker has been unreachable; gives up after `limit`.
    struct Outage {
        var since: ContinuousClock.Instant?
        let limit = Duration.seconds(120)

        mutating func reset() { since = nil }

        mutating func wait(_ error: BrokerError) async throws {
            let start = since ?? .now
            since = start
            if ContinuousClock.now - start > limit { throw error }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Workers share files by path: relative paths are made absolute from this directory.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") || path.contains("://") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Where the run is in each dead-letter topic.
    struct DeadLetterCursor {
        var decode: DeliveryID?
        var stages: [String: DeliveryID] = [:]
    }

    /// Fails this job's videos whose messages were dead-lettered (by a worker after the
    /// delivery limit, or by a reclaim after workers crashed on them every time).
    private func failDeadLettered(_ cursor: inout DeadLetterCursor, videos: Int) async throws {
        let decodeLetters = try await videoBroker.deadLetters(topic: ClusterOptions.decodeTopic(pipeline: pipeline.spec.name), after: cursor.decode, max: 1000)
        cursor.decode = decodeLetters.last?.id ?? cursor.decode
        for letter in decodeLetters where letter.message.job == job {
            try await store.fail(job: job, video: letter.message.video, error: "decode: \(letter.error)")
        }
        for stage in pipeline.stages.map(\.spec.name) {
            let letters = try await frameBroker.deadLetters(topic: ClusterOptions.topic(pipeline: pipeline.spec.name, stage: stage), after: cursor.stages[stage], max: 1000)
            cursor.stages[stage] = letters.last?.id ?? cursor.stages[stage]
            for letter in letters where letter.message.job == job {
                try await store.fail(job: job, video: letter.message.video, error: "stage \(stage): \(letter.error)")
            }
        }
    }
}
