import Foundation
import FramewiseCore
import FramewiseMedia

/// One instance of a stage: consumes frame messages from the stage's topic in batches that mix
/// videos, runs them, records outputs, hands frames whose inputs are now complete to the next
/// stages (the join), and acks only after all that is recorded.
struct StageWorker: Sendable {
    let stage: LoadedStage
    let runner: StageRunner
    let broker: any Broker<FrameMessage>
    let context: EngineContext
    let consumer: String

    var topic: String { EngineContext.topic(stage.spec.name) }

    typealias Batcher = AdaptiveBatcher<Delivery<FrameMessage>, ContinuousClock.Instant>

    /// The stage's batching policy: the model's batching spec, limited by this runner's batch limit.
    var batching: BatcherConfiguration {
        let spec = stage.model.batching
        let delay = context.configuration.maxQueueDelay ?? .microseconds(Int64(spec.maxQueueDelayMilliseconds * 1000))
        return BatcherConfiguration(maxBatchSize: runner.batchLimit, maxQueueDelay: delay, preferredBatchSizes: spec.preferredSizes,
                                    mode: spec.adaptive ? .adaptive : .fixed, name: stage.spec.name)
    }

    /// Pulls messages from the stage's topic into the adaptive batcher and runs the batches it fires.
    func run() async {
        var batcher = Batcher(configuration: batching, instances: 1)
        var tickAt: ContinuousClock.Instant?
        let idleWait = Duration.milliseconds(200)
        while !Task.isCancelled {
            let room = max(0, batcher.configuration.fullBatchSize - batcher.queuedCount)
            let wait = batcher.queuedCount == 0 ? idleWait : max(.zero, (tickAt ?? .now) - .now)
            var actions: [Batcher.Action] = []
            if room > 0 {
                let got: [Delivery<FrameMessage>]
                do {
                    got = try await broker.consume(from: topic, group: EngineContext.group, consumer: consumer, max: room, wait: wait)
                } catch {
                    return  // broker closed: the run is over
                }
                let dropping = context.configuration.latePolicy == .drop
                for delivery in got {
                    // Nexus' early drop: a frame that cannot meet its deadline even in the next batch
                    // never takes a slot.
                    if dropping, let deadline = delivery.message.deadline {
                        let predicted = batcher.latencyModel.predictedLatency(batchSize: batcher.queuedCount + 1).seconds
                        if context.elapsed() + predicted > deadline {
                            await drop([delivery], reason: "deadline")
                            continue
                        }
                    }
                    // Arrival = when the frame became ready, not when this worker pulled it: pulls come in
                    // bursts, which would make the arrival rate look higher than it is.
                    let arrived = min(ContinuousClock.now, instant(delivery.message.readyAt))
                    let due = dropping ? delivery.message.deadline.map(instant) : nil
                    actions.append(batcher.enqueue(delivery, key: String(delivery.message.video), deadline: due, now: arrived))
                }
            }
            if let at = tickAt, at <= .now {
                tickAt = nil
                actions.append(batcher.tick(now: .now))
            }
            while !actions.isEmpty {
                switch actions.removeFirst() {
                case .none:
                    break
                case let .scheduleTick(at):
                    tickAt = min(tickAt ?? at, at)
                case let .fire(batch):
                    let started = ContinuousClock.now
                    await process(batch.payloads)
                    try? await broker.ack(batch.payloads.map(\.id), topic: topic, group: EngineContext.group)
                    actions.append(batcher.batchCompleted(size: batch.size, duration: .now - started, now: .now))
                case let .drop(requests, reason, then):
                    await drop(requests.map(\.payload), reason: reason == .deadlineExpired ? "deadline" : reason.rawValue)
                    actions.append(then)
                }
            }
            if batcher.queuedCount > 0 && tickAt == nil {
                tickAt = ContinuousClock.now.advanced(by: batcher.configuration.maxQueueDelay)
            }
        }
    }

    /// The engine-relative time `seconds` as an instant.
    private func instant(_ seconds: Double) -> ContinuousClock.Instant {
        context.started.advanced(by: .microseconds(Int64(seconds * 1e6)))
    }

    /// Skips these frames for this stage and everything downstream, counts them, and acks.
    private func drop(_ deliveries: [Delivery<FrameMessage>], reason: String) async {
        var counted = StageTime()
        counted.dropped = deliveries.count
        context.addTotals(stage: stage.spec.name, time: counted)
        for d in deliveries {
            context.tracker.addStageTime(d.message.video, stage: stage.spec.name, time: counted.forOne())
            try? await context.dropFrame(stage: stage.spec.name, frame: FrameKey(video: d.message.video, slot: d.message.slot),
                                         reason: reason, deadline: d.message.deadline)
        }
        try? await broker.ack(deliveries.map(\.id), topic: topic, group: EngineContext.group)
    }

    private func process(_ deliveries: [Delivery<FrameMessage>]) async {
        let live = deliveries.filter { !context.tracker.isFailed($0.message.video) }
        guard !live.isEmpty else { return }
        do {
            try await runTogether(live)
        } catch {
            // Isolate the failure: run each video's frames alone so only the bad one fails.
            for delivery in live where !context.tracker.isFailed(delivery.message.video) {
                do {
                    try await runTogether([delivery])
                } catch {
                    context.fail(delivery.message.video, error: "\(error)")
                }
            }
        }
    }

    /// Runs the frames of `deliveries` as one batch (split at the batch limit) and records results.
    private func runTogether(_ deliveries: [Delivery<FrameMessage>]) async throws {
        var items: [StageItem] = []
        for (position, delivery) in deliveries.enumerated() {
            let key = FrameKey(video: delivery.message.video, slot: delivery.message.slot)
            guard let frame = context.frames.frame(key) else { continue }
            let upstream = context.frames.outputs(key).mapValues { [0: $0] }
            let own = try StageItemBuilder.items(for: stage, chunk: [frame], outputs: upstream)
            items += own.map { $0.withSlot(position) }
        }
        let now = context.elapsed()
        let (results, time) = try await runner.run(items)
        context.addTotals(stage: stage.spec.name, time: time)
        let grouped = StageItemBuilder.group(results, for: stage, frames: deliveries.count)
        let totalItems = max(1, items.count)
        let itemsPerDelivery = items.reduce(into: [Int: Int]()) { $0[$1.slot, default: 0] += 1 }
        for (position, delivery) in deliveries.enumerated() {
            let m = delivery.message
            var share = time
            let mine = itemsPerDelivery[position] ?? 0
            share.scale(by: Double(mine) / Double(totalItems), items: mine)
            share.queueWaitSeconds = max(0, now - m.readyAt)
            let key = FrameKey(video: m.video, slot: m.slot)
            if let deadline = m.deadline, context.elapsed() > deadline {
                share.late = 1
                context.frames.markLate(key)
                var late = StageTime()
                late.late = 1
                context.addTotals(stage: stage.spec.name, time: late)
            }
            context.tracker.addStageTime(m.video, stage: stage.spec.name, time: share)
            let output = grouped[position] ?? .crops([])
            try await context.stageFinished(stage: stage.spec.name, frame: key, output: output, deadline: m.deadline)
        }
    }
}

extension StageItem {
    /// The same item placed at another slot of the batch.
    func withSlot(_ slot: Int) -> StageItem {
        StageItem(slot: slot, frame: frame, crop: crop, rotate180: rotate180, tensors: tensors)
    }
}

extension StageTime {
    /// One frame's share of a drop count.
    func forOne() -> StageTime {
        var one = StageTime()
        one.dropped = dropped > 0 ? 1 : 0
        return one
    }

    /// This batch's times scaled to one video's share of its items.
    mutating func scale(by fraction: Double, items: Int) {
        preprocessSeconds *= fraction
        inferenceSeconds *= fraction
        postprocessSeconds *= fraction
        self.items = items
        batches = items > 0 ? 1 : 0
    }
}
