import Foundation
import FramewiseCore
import Synchronization
import Tracing

/// Serves a feed of videos on a distributed deployment, as `StreamingEngine.serve(feed:)` does in
/// one process: each video fed is submitted to the workers behind the brokers as a job of its
/// own (a `ClusterRun` of one video, with its deadline), and its result is handed to `onResult`
/// as soon as the workers finish it, in finishing order. Batches mix videos of every job in the
/// workers, as in one process.
///
/// Cancelling the calling task abandons the jobs in flight (workers skip what is left of them;
/// their videos get no result). A video the deployment cannot take (the broker lost for longer
/// than a run waits, a URL that cannot be fetched) gets a failed result naming why.
public struct ClusterFeed: Sendable {
    public let pipeline: LoadedPipeline
    let frameBroker: any Broker<FrameMessage>
    let videoBroker: any Broker<VideoMessage>
    let store: any JobStore
    let frames: any FrameStorage
    /// Starts each video's trace at submission (nil: not traced).
    public var tracer: (any Tracer)?
    /// What a job does when the broker lost its state. Default: resubmit.
    public var onBrokerLoss: BrokerLossPolicy = .resubmit
    /// Fetches URL inputs into storage the workers share before submitting (nil: paths only).
    public var resolver: (any VideoSourceResolver)?

    public init(pipeline: LoadedPipeline, frameBroker: any Broker<FrameMessage>, videoBroker: any Broker<VideoMessage>,
                store: any JobStore, frames: any FrameStorage) {
        self.pipeline = pipeline
        self.frameBroker = frameBroker
        self.videoBroker = videoBroker
        self.store = store
        self.frames = frames
    }

    /// Submits each video as `feed` yields it; returns once `feed` has ended and every video has
    /// its result, or when the calling task is cancelled.
    public func serve(feed: AsyncStream<FeedVideo>, onResult: @escaping @Sendable (FeedVideo, VideoResult) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for await video in feed {
                group.addTask {
                    if let result = await self.run(video) { await onResult(video, result) }
                }
            }
            await group.waitForAll()
        }
    }

    /// One video as a one-video job; nil when cancelled (the job is abandoned).
    func run(_ video: FeedVideo) async -> VideoResult? {
        let path: String
        do {
            path = try await resolver?.localPath(for: video.path) ?? video.path
        } catch {
            return failed(video, "\(error)")
        }
        var run = ClusterRun(pipeline: pipeline, frameBroker: frameBroker, videoBroker: videoBroker, store: store, frames: frames)
        run.slo = video.deadlineIn.map { .microseconds(Int64(max(0.001, $0) * 1e6)) }
        run.onBrokerLoss = onBrokerLoss
        run.tracer = tracer
        let sink = OneResult()
        do {
            _ = try await run.run(videos: [path], sink: sink)
        } catch is CancellationError {
            return nil
        } catch {
            if Task.isCancelled { return nil }
            return failed(video, "job \(run.job): \(error)")
        }
        guard var result = sink.result else { return failed(video, "job \(run.job) ended without a result") }
        result.video = video.path
        return result
    }

    private func failed(_ video: FeedVideo, _ error: String) -> VideoResult {
        VideoResult(video: video.path, pipeline: pipeline.spec.name, status: .failed, error: error)
    }
}

/// Keeps the one result of a one-video run.
private final class OneResult: ResultSink {
    private let stored = Mutex<VideoResult?>(nil)

    var result: VideoResult? { stored.withLock { $0 } }

    func write(_ result: VideoResult) async throws { stored.withLock { $0 = result } }

    func finish() async throws {}
}
