/// Runs an `AdaptiveBatcher` for real: callers `submit` payloads and get their own result when
/// their batch completes; batches run through `runBatch`, at most `instances` at once; timers
/// sleep on the injected clock.
///
/// A batch's error fails every request of it. A cancelled caller gets `CancellationError` at once
/// (its request leaves the queue if it has not fired). `shutdown()` drops what is queued and waits
/// for running batches.
public actor BatcherDriver<Payload: Sendable, Output: Sendable, C: Clock> where C.Duration == Duration {
    /// Runs one batch; returns one output per payload, in order.
    public typealias RunBatch = @Sendable ([Payload]) async throws -> [Output]

    private var batcher: AdaptiveBatcher<Payload, C.Instant>
    private let clock: C
    private let runBatch: RunBatch
    private var waiting: [UInt64: CheckedContinuation<Output, any Error>] = [:]
    private var timer: Task<Void, Never>?
    private var timerDeadline: C.Instant?
    private var running: [UInt64: Task<Void, Never>] = [:]

    /// A driver over `instances` workers, timing with `clock`.
    public init(configuration: BatcherConfiguration = .init(), instances: Int = 1, clock: C, runBatch: @escaping RunBatch) {
        batcher = AdaptiveBatcher(configuration: configuration, instances: instances)
        self.clock = clock
        self.runBatch = runBatch
    }

    /// Counters so far.
    public var stats: BatcherStats { batcher.stats }
    /// The latency model learned so far.
    public var latencyModel: BatchLatencyModel { batcher.latencyModel }

    /// Queues `payload` and returns its output once its batch ran. Throws the batch's error,
    /// `BatcherError` when dropped, or `CancellationError` when the caller is cancelled.
    public func submit(_ payload: Payload, key: String? = nil, deadline: C.Instant? = nil) async throws -> Output {
        try Task.checkCancellation()
        let id = batcher.nextRequestID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting[id] = continuation
                perform(batcher.enqueue(payload, key: key, deadline: deadline, now: clock.now))
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Drops every queued request (`BatcherError` `.dropped(.shutdown)`), refuses new ones, and
    /// returns once running batches have completed.
    public func shutdown() async {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
        perform(batcher.shutdown())
        // Each task ends by calling `finish`, which removes it from `running`.
        while let task = running.values.first { await task.value }
    }

    private func cancel(_ id: UInt64) {
        guard let continuation = waiting.removeValue(forKey: id) else { return }
        continuation.resume(throwing: CancellationError())
        perform(batcher.cancel(requestID: id, now: clock.now))
    }

    private func tick() {
        timer = nil
        timerDeadline = nil
        perform(batcher.tick(now: clock.now))
    }

    private func perform(_ action: AdaptiveBatcher<Payload, C.Instant>.Action) {
        switch action {
        case .none:
            break
        case let .fire(batch):
            start(batch)
        case let .scheduleTick(at):
            // Keep a pending earlier timer: its tick makes the batcher ask again. Saves a task per arrival.
            if timer != nil, let pending = timerDeadline, pending <= at { return }
            timer?.cancel()
            timerDeadline = at
            timer = Task { [clock] in
                do { try await Task.sleep(until: at, tolerance: nil, clock: clock) } catch { return }
                guard !Task.isCancelled else { return }  // replaced while resuming
                self.tick()
            }
        case let .drop(requests, reason, then):
            let error = BatcherError(.dropped(reason), batcher: batcher.configuration.name)
            for request in requests {
                waiting.removeValue(forKey: request.id)?.resume(throwing: error)
            }
            perform(then)
        }
    }

    private func start(_ batch: Batch<Payload, C.Instant>) {
        let payloads = batch.payloads
        let ids = batch.requests.map(\.id)
        let sequence = batch.sequence
        running[sequence] = Task { [clock, runBatch] in
            let started = clock.now
            let outcome: Result<[Output], any Error>
            do { outcome = .success(try await runBatch(payloads)) } catch { outcome = .failure(error) }
            self.finish(sequence, ids: ids, outcome: outcome, duration: started.duration(to: clock.now))
        }
    }

    private func finish(_ sequence: UInt64, ids: [UInt64], outcome: Result<[Output], any Error>, duration: Duration) {
        running[sequence] = nil
        switch outcome {
        case let .success(outputs) where outputs.count == ids.count:
            for (id, output) in zip(ids, outputs) { waiting.removeValue(forKey: id)?.resume(returning: output) }
            perform(batcher.batchCompleted(size: ids.count, duration: duration, now: clock.now))
        case let .success(outputs):
            let error = BatcherError(.resultCountMismatch(expected: ids.count, actual: outputs.count), batcher: batcher.configuration.name)
            for id in ids { waiting.removeValue(forKey: id)?.resume(throwing: error) }
            perform(batcher.batchFailed(now: clock.now))
        case let .failure(error):
            for id in ids { waiting.removeValue(forKey: id)?.resume(throwing: error) }
            perform(batcher.batchFailed(now: clock.now))
        }
    }
}
