import FramewiseCore
import FramewiseMedia

/// Where a stage worker's frames come from and where its outputs go: the streaming engine's
/// memory (`EngineContext`) or the shared state of a distributed run (`ClusterContext`).
/// The worker itself (batching, early drop, failure isolation, acks) is the same for both.
protocol StageHost: Sendable {
    var configuration: EngineConfiguration { get }
    var broker: any Broker<FrameMessage> { get }
    /// The consumer group of every stage topic.
    var group: String { get }
    /// How long a message may sit unacked with another consumer before this worker takes it
    /// over (nil: never; one process cannot lose a consumer).
    var reclaimAfter: Duration? { get }

    /// Whether workers should stop taking messages and finish what they hold (a graceful stop).
    var isDraining: Bool { get }

    /// The broker topic of `stage`.
    func topic(_ stage: String) -> String
    /// Now on the clock of `FrameMessage.readyAt` and `deadline`, in seconds.
    func now() -> Double
    /// The clock batches are timed with (injected; the continuous clock in production).
    var clock: EngineClock { get }
    /// Whether the message's video already failed or finished (its frames are skipped).
    func isFinished(_ message: FrameMessage) async -> Bool
    /// The message's frame and the outputs of the stages before this one (nil: the frame is gone).
    func input(_ message: FrameMessage, stage: String) async throws -> (frame: VideoFrame, upstream: [String: StageFrameOutput])?
    /// Records `stage`'s output for the frame and hands the frame to the next stages.
    func finished(_ message: FrameMessage, stage: String, output: StageFrameOutput, time: StageTime, late: Bool) async throws
    /// The frame skips `stage` and everything downstream of it, reported as dropped with `reason`.
    func dropped(_ message: FrameMessage, stage: String, reason: String, time: StageTime) async throws
    /// The stage failed on this delivery even alone. Returns true when it is settled (ack it),
    /// false when it should be left unacked for redelivery.
    func failed(_ delivery: Delivery<FrameMessage>, stage: String, error: any Error) async -> Bool
    /// Adds to the run's per-stage totals.
    func addTotals(stage: String, time: StageTime)
    /// Where batches, drops and queue depths are reported (nil: not measured).
    var metrics: EngineMetrics? { get }

    /// Whether batches are traced (`traced` is only called then).
    var tracesBatches: Bool { get }
    /// Records one stage batch in the traces of the videos it held.
    func traced(_ batch: TracedBatch)
}

extension StageHost {
    public var metrics: EngineMetrics? { nil }
    var tracesBatches: Bool { false }
    func traced(_ batch: TracedBatch) {}
}
