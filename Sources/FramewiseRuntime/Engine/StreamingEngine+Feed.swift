import Foundation
import FramewiseCore
import Synchronization

/// A video handed to a running engine through `StreamingEngine.serve(feed:onResult:)`.
public struct FeedVideo: Sendable, Equatable {
    /// The caller's identifier, handed back with the result.
    public var tag: Int64
    public var path: String
    /// Seconds from the moment it is fed to its deadline (nil: the engine's SLO, if any). May be
    /// negative for a video that already waited past its objective elsewhere.
    public var deadlineIn: Double?

    public init(tag: Int64, path: String, deadlineIn: Double? = nil) {
        self.tag = tag
        self.path = path
        self.deadlineIn = deadlineIn
    }
}

extension StreamingEngine {
    /// Runs as a long-lived engine: videos enter as `feed` yields them (through the same
    /// admission, stages and batching as `run`, so batches mix videos of different callers),
    /// and each result is handed to `onResult` as soon as its video finishes, in finishing order.
    /// Nothing is kept per finished video. Returns once `feed` has ended and every fed video has
    /// its result, or when the calling task is cancelled (then unfinished videos get none).
    public func serve(feed: AsyncStream<FeedVideo>, onResult: @escaping @Sendable (FeedVideo, VideoResult) async -> Void) async {
        let (stream, continuation) = AsyncStream.makeStream(of: VideoTracker.Finished.self)
        let broker = makeBroker()
        let pool = BlockingPool(name: "framewise-feed", threads: configuration.workerThreads, priority: configuration.computePriority)
        defer { pool.shutdown() }
        let gate = AdmissionGate(total: nil, maxInFlight: configuration.decoders, frameBudget: frameBudget)
        let context = EngineContext(pipeline: pipeline, configuration: configuration, broker: broker, finished: continuation, gate: gate,
                                    clock: self.clock(), metrics: metrics, keepsFrameLatencies: false, traces: makeTraces())
        let ledger = FeedLedger()

        let work = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in self.stageWorkers(pool: pool, context: context) { group.addTask { await worker.run() } }
                group.addTask {
                    for await video in feed {
                        let number = ledger.add(video)
                        context.traces?.arrived(number, path: video.path)
                        gate.arrived(number, now: context.elapsed())
                    }
                    let total = ledger.close()
                    gate.close(total: total.arrived)
                    if total.arrived == total.finished { continuation.finish() }
                }
                // Decoding in admission order, `decodeSlots` videos at a time, as in `run`.
                let slots = DecodeSlots(slots: configuration.decodeSlots ?? configuration.decoders)
                var ticket = 0
                for await admitted in gate.admitted {
                    self.metrics?.inFlight.set(gate.inFlightCount)
                    context.traces?.admitted(admitted.video)
                    guard let video = ledger.video(admitted.video) else { continue }
                    let slo = video.deadlineIn ?? configuration.slo?.seconds
                    let turn = ticket
                    ticket += 1
                    group.addTask {
                        await slots.acquire(ticket: turn)
                        await self.decode(admitted, path: video.path, slo: slo, context: context)
                        await slots.release()
                    }
                }
                await group.waitForAll()
            }
        }

        for await finished in stream {
            let now = context.elapsed()
            let fed = ledger.video(finished.video)
            let (result, _) = settle(finished, gate: gate, context: context, now: now, slo: fed?.deadlineIn ?? configuration.slo?.seconds)
            context.tracker.forget(finished.video)
            gate.forget(finished.video)
            let (video, allDone) = ledger.finish(finished.video)
            if let video { await onResult(video, result) }
            if allDone { continuation.finish() }
        }
        work.cancel()
        broker.close()
        await work.value
    }
}

/// The videos a feed has in flight, by the engine's number, and whether all are done.
private final class FeedLedger: Sendable {
    private struct State {
        var next = 0
        var finished = 0
        var closed = false
        var inFlight: [Int: FeedVideo] = [:]
    }
    private let state = Mutex(State())

    /// Numbers a newly fed video.
    func add(_ video: FeedVideo) -> Int {
        state.withLock { state in
            defer { state.next += 1 }
            state.inFlight[state.next] = video
            return state.next
        }
    }

    func video(_ number: Int) -> FeedVideo? { state.withLock { $0.inFlight[number] } }

    /// The feed ended: how many arrived and how many finished so far.
    func close() -> (arrived: Int, finished: Int) {
        state.withLock { state in
            state.closed = true
            return (state.next, state.finished)
        }
    }

    /// A video finished; returns it, and whether the feed is closed with every video finished.
    func finish(_ number: Int) -> (FeedVideo?, Bool) {
        state.withLock { state in
            let video = state.inFlight.removeValue(forKey: number)
            if video != nil { state.finished += 1 }
            return (video, state.closed && state.finished == state.next)
        }
    }
}
