import Foundation
import FramewiseCore
import Synchronization
import Tracing

/// Submits videos to a distributed deployment and collects the results that workers on any
/// machine produce, writing each video's result once, in input order, like `StreamingEngine`.
///
/// The run owns a job: it registers it, publishes one decode message per video, follows the
/// job's finished feed, assembles each result from the job store, then forgets the video's
/// state and frames. Messages that workers gave up on (dead letters) fail their videos.
///
/// The run also watches that the store still holds its job (`JobStore.check`, every
/// `checkInterval`): when Redis lost it (a restart without persistence, FLUSHALL, eviction,
/// failover) it submits the videos whose result it has not written again under the job's next
/// epoch (`onBrokerLoss == .resubmit`), or fails with `ClusterError.brokerStateLost`.
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
    /// What to do when the broker lost the job's state. Default: resubmit.
    public var onBrokerLoss: BrokerLossPolicy = .resubmit
    /// Most times the job is started over; one more loss fails the run. Default 5.
    public var maxRecoveries = 5
    /// How often the run checks that the store still holds its job. Default 1 s.
    public var checkInterval: Duration = .seconds(1)
    /// Called after each recovery (for the one line that says so).
    public var onRecovery: (@Sendable (BrokerRecovery) -> Void)?
    /// Starts each video's trace at submission (workers with a tracer add decoding and batches
    /// to it); nil: not traced.
    public var tracer: (any Tracer)?
    private let roots = ClusterTraceRoots()

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
        let token = try await store.storeEpoch()
        try await store.createJob(job, pipeline: pipeline.spec.name, videos: videos.count, epoch: 1)
        var state = State(detector: BrokerLossDetector(storeEpoch: token, jobEpoch: 1))
        state.submission = Submission(run: self, videos: Array(videos.enumerated()), epoch: 1)
        defer { state.submission?.cancel() }

        var writer = InOrderWriter(sink: sink)
        var failure: (any Error)?
        var lastLetters = clock.now
        var nextCheck = clock.now
        var outage = Outage()
        while state.written.count < videos.count {
            if let error = state.submission?.failure { throw error }
            if Task.isCancelled {
                // The run was stopped: drop the job, so workers skip what is left of it.
                await abandon()
                throw CancellationError()
            }
            do {
                if state.pendingRestart != nil {
                    try await restart(&state, videos: videos)
                    continue
                }
                if clock.now >= nextCheck {
                    nextCheck = clock.now + checkInterval
                    if let loss = state.detector.observe(try await store.check(job: job)) {
                        try await lost(loss, &state, videos: videos)
                        continue
                    }
                }
                let (finished, next) = try await store.finishedVideos(job: job, after: state.cursor, wait: .seconds(1))
                var incomplete: Int?
                for video in finished where video >= 0 && video < videos.count && !state.written.contains(video) {
                    let stored = try await store.video(job: job, video: video)
                    guard stored.isComplete else { incomplete = video; break }
                    state.written.insert(video)
                    for frame in stored.frames { if let done = frame.completedAt { report.frameSeconds.append(max(0, done - frame.info.readyAt)) } }
                    let result = pipeline.result(of: stored, path: videos[video])
                    roots.finished(video, result: result)
                    do {
                        try await writer.add(result, index: video, latency: (clock.now - start).seconds, to: &report)
                    } catch {
                        failure = failure ?? error
                    }
                    frames.removeVideo(job: job, epoch: state.epoch, video: video)
                    try? await store.removeVideo(job: job, video: video, frames: stored.totalFrames ?? stored.frames.count)
                    progress?(state.written.count, videos.count)
                }
                if let video = incomplete {
                    // Keys evicted or lost between the announcement and the read: say why if the store can tell.
                    let loss = state.detector.observe(try await store.check(job: job)) ?? .videoIncomplete(video: video)
                    try await lost(loss, &state, videos: videos)
                    continue
                }
                state.cursor = next
                if finished.isEmpty || clock.now - lastLetters > .seconds(2) {
                    lastLetters = clock.now
                    try await failDeadLettered(&state.letters, videos: videos.count, epoch: state.epoch)
                }
                outage.reset()
            } catch let error as BrokerError where error != .closed {
                // Redis is restarting or unreachable: wait and carry on (with AOF it lost nothing;
                // without, the next check tells).
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

    /// Where a run is: its epoch, what it wrote, where it reads, what it watches.
    struct State {
        var epoch = 1
        var written = Set<Int>()
        var cursor: String?
        var letters = DeadLetterCursor()
        var detector: BrokerLossDetector
        var submission: Submission?
        var recoveries = 0
        /// A loss whose restart (under `epoch`) has not completed yet (Redis may still be away).
        var pendingRestart: BrokerLoss?

        init(detector: BrokerLossDetector) { self.detector = detector }
    }

    /// The job's state is gone: stop submitting, then fail or start the job over under the next epoch.
    private func lost(_ loss: BrokerLoss, _ state: inout State, videos: [String]) async throws {
        state.submission?.cancel()
        await state.submission?.finished()
        state.submission = nil
        state.recoveries += 1
        guard onBrokerLoss == .resubmit, state.recoveries <= maxRecoveries else {
            await abandon()
            throw ClusterError.brokerStateLost(job: job, loss: loss, unfinished: videos.count - state.written.count, total: videos.count,
                                               recoveries: state.recoveries - 1)
        }
        state.epoch += 1
        state.pendingRestart = loss
        try await restart(&state, videos: videos)
    }

    /// Starts the job over under `state.epoch` and submits the videos not written yet. Each step
    /// may be repeated (after an error, the next turn of the loop runs it again).
    private func restart(_ state: inout State, videos: [String]) async throws {
        guard let loss = state.pendingRestart else { return }
        let token = try await store.storeEpoch()
        try await store.restartJob(job, pipeline: pipeline.spec.name, videos: videos.count, epoch: state.epoch)
        // Frames of earlier epochs: nobody needs them (late readers of them are refused anyway).
        frames.removeJob(job)
        let baseline = try await store.check(job: job).evictedKeys
        state.detector = BrokerLossDetector(storeEpoch: token, jobEpoch: state.epoch, evictedKeys: baseline)
        state.cursor = nil
        state.letters = DeadLetterCursor()
        let unfinished = videos.enumerated().filter { !state.written.contains($0.offset) }
        state.submission = Submission(run: self, videos: unfinished, epoch: state.epoch)
        state.pendingRestart = nil
        onRecovery?(BrokerRecovery(job: job, loss: loss, epoch: state.epoch, resubmitted: unfinished.count, total: videos.count))
    }

    /// Publishes one decode message per video (waiting while the decode topic is full, and
    /// while Redis is unreachable; a publish retried after a lost connection may duplicate a
    /// message, which the decoders handle like any redelivery).
    fileprivate func submit(_ videos: [(offset: Int, element: String)], epoch: Int) async throws {
        let now = Date().timeIntervalSince1970
        let deadline = slo.map { now + $0.seconds }
        var batch: [VideoMessage] = []
        for (n, (i, path)) in videos.enumerated() {
            let trace = tracer.flatMap { roots.traceparent(i, path: path, pipeline: pipeline.spec.name, tracer: $0) }
            batch.append(VideoMessage(job: job, epoch: epoch, video: i, path: Self.absolute(path), submittedAt: now, deadline: deadline,
                                      traceparent: trace))
            if batch.count == 64 || n == videos.count - 1 {
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
    /// delivery limit, or by a reclaim after workers crashed on them every time). Letters of
    /// earlier epochs are refused by the store.
    private func failDeadLettered(_ cursor: inout DeadLetterCursor, videos: Int, epoch: Int) async throws {
        let decodeLetters = try await videoBroker.deadLetters(topic: ClusterOptions.decodeTopic(pipeline: pipeline.spec.name), after: cursor.decode, max: 1000)
        cursor.decode = decodeLetters.last?.id ?? cursor.decode
        for letter in decodeLetters where letter.message.job == job {
            try await store.fail(job: job, epoch: letter.message.epoch, video: letter.message.video, error: "decode: \(letter.error)")
        }
        for stage in pipeline.stages.map(\.spec.name) {
            let letters = try await frameBroker.deadLetters(topic: ClusterOptions.topic(pipeline: pipeline.spec.name, stage: stage), after: cursor.stages[stage], max: 1000)
            cursor.stages[stage] = letters.last?.id ?? cursor.stages[stage]
            for letter in letters where letter.message.job == job {
                try await store.fail(job: job, epoch: letter.message.epoch ?? 0, video: letter.message.video, error: "stage \(stage): \(letter.error)")
            }
        }
    }
}

/// The task that publishes a run's decode messages for one epoch.
final class Submission: Sendable {
    private final class Failure: Sendable {
        let error = Mutex<(any Error)?>(nil)
    }
    private let task: Task<Void, Never>
    private let failed = Failure()

    init(run: ClusterRun, videos: [(offset: Int, element: String)], epoch: Int) {
        let failed = self.failed
        task = Task {
            do {
                try await run.submit(videos, epoch: epoch)
            } catch is CancellationError {
                // Stopped: the job was started over, or the run ended.
            } catch {
                failed.error.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Why submitting failed (nil: it did not, or not yet).
    var failure: (any Error)? { failed.error.withLock { $0 } }

    func cancel() { task.cancel() }

    /// Waits until the task has ended.
    func finished() async { await task.value }
}

extension StoredVideo {
    /// Whether everything a result needs is here: the error, or the frame count and every frame.
    /// False when keys were lost (evicted, flushed) after the video was announced.
    var isComplete: Bool {
        if error != nil { return true }
        guard let total = totalFrames else { return false }
        return frames.count == total
    }
}
