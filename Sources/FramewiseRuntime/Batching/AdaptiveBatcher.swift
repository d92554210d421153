/// Forms batches for one model across frames and videos. A pure state machine: no clock reads,
/// no async; each event takes `now` and returns the `Action` its caller carries out
/// (`BatcherDriver` is that caller for real use).
///
/// Invariants:
/// - FIFO: batches take the oldest queued requests, so order within any ordering key is kept.
/// - At most `instances` batches run at once; at most `fullBatchSize` requests per batch.
/// - While an instance is free, no request waits longer than `maxQueueDelay` (provided the caller
///   delivers the ticks it is asked for).
/// - While an instance is free, fewer than `fullBatchSize` requests are queued, so one event
///   fires at most one batch, and a fire never needs a tick after it.
///
/// The policy is in `AdaptiveBatcher+Policy.swift`.
public struct AdaptiveBatcher<Payload, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// One queued request.
    public typealias Request = BatchRequest<Payload, Instant>

    /// The knobs.
    public let configuration: BatcherConfiguration
    /// How many batches may run at once.
    public let instances: Int
    /// Batch latency learned so far.
    public internal(set) var latencyModel: BatchLatencyModel
    /// Arrival interval learned so far.
    public internal(set) var arrivals = ArrivalRateEstimator<Instant>()
    /// Counters.
    public internal(set) var stats = BatcherStats()
    /// Batches running now.
    public internal(set) var busyInstances = 0
    /// Whether `shutdown` was called.
    public internal(set) var isShutDown = false

    // Scalars of `configuration`, cached: the hot path reads no arrays or strings.
    let fullBatchSize: Int
    let maxQueueDelay: Duration
    let isAdaptive: Bool
    let hasPreferredSizes: Bool
    let capacityFactor: Double

    var queue: [Request] = []
    var head = 0
    var earliestDeadline: Instant?
    var armedTick: Instant?
    var nextBatchSequence: UInt64 = 0
    /// The id the next `enqueue` assigns.
    public internal(set) var nextRequestID: UInt64 = 0

    /// A batcher with `instances` workers (at least 1).
    public init(configuration: BatcherConfiguration = .init(), instances: Int = 1) {
        self.configuration = configuration
        self.instances = max(1, instances)
        latencyModel = configuration.latencySeed ?? BatchLatencyModel()
        fullBatchSize = configuration.fullBatchSize
        maxQueueDelay = configuration.maxQueueDelay
        isAdaptive = configuration.mode == .adaptive
        hasPreferredSizes = !configuration.preferredBatchSizes.isEmpty
        capacityFactor = Double(self.instances) * min(1, max(0.01, configuration.targetUtilization))
    }

    /// Requests waiting, oldest first.
    public var queued: ArraySlice<Request> { queue[head...] }
    /// Number of requests waiting.
    public var queuedCount: Int { queue.count - head }
    /// Instances not running a batch.
    public var freeInstances: Int { instances - busyInstances }

    /// A request arrives. One already past its deadline (or after shutdown) is dropped at once.
    public mutating func enqueue(_ payload: Payload, key: String? = nil, deadline: Instant? = nil, now: Instant) -> Action {
        let request = Request(id: nextRequestID, payload: payload, orderingKey: key, enqueuedAt: now, deadline: deadline)
        nextRequestID += 1
        stats.enqueued += 1
        if isShutDown {
            stats.shutDown += 1
            return .drop([request], reason: .shutdown, then: .none)
        }
        arrivals.record(now)
        if let deadline, deadline <= now {
            stats.expired += 1
            return .drop([request], reason: .deadlineExpired, then: .none)
        }
        queue.append(request)
        if let deadline, earliestDeadline.map({ deadline < $0 }) ?? true { earliestDeadline = deadline }
        return evaluate(now: now)
    }

    /// Several requests arrive together (e.g. pulled at once from a queue where they waited):
    /// all are queued first, then the policy decides once, so the first of them never fires
    /// alone while the rest wait behind it. `arrivedAt` is when each became ready (for the
    /// arrival-rate estimate); `now` is when they reach the batcher. Returns the drops (expired,
    /// shut down) and then the one decision.
    public mutating func enqueue(contentsOf requests: [(payload: Payload, key: String?, deadline: Instant?, arrivedAt: Instant)],
                                 now: Instant) -> [Action] {
        var actions: [Action] = []
        for r in requests {
            let request = Request(id: nextRequestID, payload: r.payload, orderingKey: r.key, enqueuedAt: r.arrivedAt, deadline: r.deadline)
            nextRequestID += 1
            stats.enqueued += 1
            if isShutDown {
                stats.shutDown += 1
                actions.append(.drop([request], reason: .shutdown, then: .none))
                continue
            }
            arrivals.record(r.arrivedAt)
            if let deadline = r.deadline, deadline <= now {
                stats.expired += 1
                actions.append(.drop([request], reason: .deadlineExpired, then: .none))
                continue
            }
            queue.append(request)
            if let deadline = r.deadline, earliestDeadline.map({ deadline < $0 }) ?? true { earliestDeadline = deadline }
        }
        actions.append(evaluate(now: now))
        return actions
    }

    /// The caller's timer fired. Early or stale ticks are harmless: the batcher asks again
    /// (`.scheduleTick`) for whatever time it still needs.
    public mutating func tick(now: Instant) -> Action {
        armedTick = nil
        return evaluate(now: now)
    }

    /// A batch of `size` finished in `duration`: frees its instance and teaches the latency model.
    public mutating func batchCompleted(size: Int, duration: Duration, now: Instant) -> Action {
        busyInstances = max(0, busyInstances - 1)
        latencyModel.observe(batchSize: size, duration: duration)
        return evaluate(now: now)
    }

    /// A batch failed: frees its instance without teaching the latency model.
    public mutating func batchFailed(now: Instant) -> Action {
        busyInstances = max(0, busyInstances - 1)
        return evaluate(now: now)
    }

    /// The caller gave up on request `id`; dropped if still queued, otherwise nothing happens.
    public mutating func cancel(requestID id: UInt64, now: Instant) -> Action {
        let live = queue[head...]
        guard let index = live.firstIndex(where: { $0.id == id }) else { return .none }
        let request = queue.remove(at: index)
        stats.cancelled += 1
        if request.deadline != nil { recomputeEarliestDeadline() }
        return .drop([request], reason: .cancelled, then: evaluate(now: now))
    }

    /// Stops: every queued request is dropped, later ones too. Running batches still complete.
    public mutating func shutdown() -> Action {
        isShutDown = true
        let all = Array(queue[head...])
        queue.removeAll()
        head = 0
        earliestDeadline = nil
        armedTick = nil
        guard !all.isEmpty else { return .none }
        stats.shutDown += all.count
        return .drop(all, reason: .shutdown, then: .none)
    }
}

extension AdaptiveBatcher: Sendable where Payload: Sendable {}
