/// A request held by an `AdaptiveBatcher`: the caller's payload plus what the policy needs.
public struct BatchRequest<Payload, Instant: InstantProtocol> {
    /// Assigned by the batcher, increasing in arrival order.
    public let id: UInt64
    /// The caller's payload.
    public var payload: Payload
    /// Optional ordering key (e.g. a video id). The batcher is FIFO overall, so requests of one
    /// key are dispatched in the order they came. With one instance they also complete in that
    /// order; with several, a consumer that needs ordered results reorders by `id`.
    public let orderingKey: String?
    /// When it was enqueued.
    public let enqueuedAt: Instant
    /// When its result is due; nil for none.
    public let deadline: Instant?
}

extension BatchRequest: Sendable where Payload: Sendable {}

/// A batch the batcher fired: requests in FIFO order, why, and when.
public struct Batch<Payload, Instant: InstantProtocol> {
    /// Increasing per batcher.
    public let sequence: UInt64
    /// The requests, oldest first.
    public let requests: [BatchRequest<Payload, Instant>]
    /// Why it fired.
    public let trigger: FireTrigger
    /// When it fired.
    public let firedAt: Instant

    /// Number of requests.
    public var size: Int { requests.count }
    /// The payloads, oldest first.
    public var payloads: [Payload] { requests.map(\.payload) }
}

extension Batch: Sendable where Payload: Sendable {}

/// Why a batch fired.
public enum FireTrigger: String, Sendable, Equatable, CaseIterable {
    /// The queue reached the full batch size.
    case full
    /// The oldest request waited `maxQueueDelay`.
    case maxQueueDelay
    /// Waiting for one more request would make the earliest deadline miss.
    case deadline
    /// Adaptive: the queued size already keeps up with the observed arrival rate.
    case keepsUp
    /// Adaptive: no further arrival is expected before the batch must fire anyway.
    case noArrivalsExpected
}

/// Why requests left the batcher without running.
public enum DropReason: String, Sendable, Equatable, CaseIterable {
    /// Their deadline passed before they could run.
    case deadlineExpired
    /// The caller cancelled.
    case cancelled
    /// The batcher shut down.
    case shutdown
}

/// Counters of one batcher.
public struct BatcherStats: Sendable, Equatable {
    /// Requests enqueued (including those dropped at once).
    public var enqueued = 0
    /// Batches fired.
    public var batches = 0
    /// Requests in fired batches.
    public var batchedRequests = 0
    /// Requests dropped because their deadline passed.
    public var expired = 0
    /// Requests cancelled while queued.
    public var cancelled = 0
    /// Requests dropped at shutdown.
    public var shutDown = 0
    /// Batches fired, per trigger.
    public var batchesByTrigger: [FireTrigger: Int] = [:]

    /// Mean size of fired batches (zero before the first).
    public var meanBatchSize: Double { batches == 0 ? 0 : Double(batchedRequests) / Double(batches) }

    /// An empty set of counters.
    public init() {}
}
