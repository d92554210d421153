import Foundation
import FramewiseCore
import FramewiseMedia
import Tracing

/// One instance of a stage: consumes frame messages from the stage's topic in batches that mix
/// videos, runs them, records outputs, hands frames whose inputs are now complete to the next
/// stages (the join), and acks only after all that is recorded.
struct StageWorker: Sendable {
    let stage: LoadedStage
    let runner: StageRunner
    let host: any StageHost
    let consumer: String

    var broker: any Broker<FrameMessage> { host.broker }
    var topic: String { host.topic(stage.spec.name) }
    var group: String { host.group }

    typealias Batcher = AdaptiveBatcher<Delivery<FrameMessage>, EngineClock.Instant>

    /// The stage's batching policy: the model's batching spec, limited by this runner's batch limit.
    var batching: BatcherConfiguration {
        let spec = stage.model.batching
        let delay = host.configuration.maxQueueDelay ?? .microseconds(Int64(spec.maxQueueDelayMilliseconds * 1000))
        return BatcherConfiguration(maxBatchSize: runner.batchLimit, maxQueueDelay: delay, preferredBatchSizes: spec.preferredSizes,
                                    mode: spec.adaptive ? .adaptive : .fixed, name: stage.spec.name)
    }

    /// Pulls messages from the stage's topic into the adaptive batcher and runs the batches it fires.
    private var clock: EngineClock { host.clock }

    func run() async {
        var batcher = Batcher(configuration: batching, instances: 1)
        var tickAt: EngineClock.Instant?
        var depthReportedAt: EngineClock.Instant?
        let idleWait = Duration.milliseconds(200)
        var cursor = ConsumerCursor(broker: broker, topic: topic, group: group, consumer: consumer, reclaimAfter: host.reclaimAfter)
        while !Task.isCancelled {
            // Draining (a worker asked to stop): take nothing new, run what is queued, then leave.
            let draining = host.isDraining
            if draining && batcher.queuedCount == 0 { return }
            let room = draining ? 0 : max(0, batcher.configuration.fullBatchSize - batcher.queuedCount)
            let wait = batcher.queuedCount == 0 ? idleWait : max(.zero, clock.now.duration(to: tickAt ?? clock.now))
            var actions: [Batcher.Action] = []
            if draining {
                // Fire the partial batch now rather than waiting for frames that will not come.
                actions.append(batcher.tick(now: clock.now.advanced(by: batcher.configuration.maxQueueDelay + .seconds(1))))
            }
            if room > 0 {
                let got: [Delivery<FrameMessage>]
                do {
                    got = try await cursor.next(max: room, wait: wait)
                } catch BrokerError.connection {
                    // A networked broker went away: wait for it to come back (the pool reconnects).
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                } catch {
                    return  // broker closed: the run is over
                }
                let dropping = host.configuration.latePolicy == .drop
                // A reclaim can hand back this worker's own pending messages that still wait in its
                // batcher (idle past reclaimAfter): keep one copy of each.
                let queuedIDs = Set(batcher.queued.map(\.payload.id))
                let fresh = got.filter { !queuedIDs.contains($0.id) }
                let again = fresh.filter { $0.deliveryCount > 1 }.count
                if again > 0 { host.metrics?.redelivered(stage: stage.spec.name, count: again) }
                var arrived: [(payload: Delivery<FrameMessage>, key: String?, deadline: EngineClock.Instant?, arrivedAt: EngineClock.Instant)] = []
                for delivery in fresh {
                    // Nexus' early drop: a frame that cannot meet its deadline even in the next batch
                    // never takes a slot.
                    if dropping, let deadline = due(delivery.message) {
                        let predicted = batcher.latencyModel.predictedLatency(batchSize: batcher.queuedCount + arrived.count + 1).seconds
                        if host.now() + predicted > deadline {
                            await drop([delivery], reason: "deadline")
                            continue
                        }
                    }
                    // Arrival = when the frame became ready, not when this worker pulled it: pulls come in
                    // bursts, which would make the arrival rate look higher than it is.
                    let at = min(clock.now, instant(delivery.message.readyAt))
                    arrived.append((delivery, String(delivery.message.video), dropping ? due(delivery.message).map(instant) : nil, at))
                }
                // All that was pulled joins the queue before the batcher decides, so one decision
                // sees the whole pull (the first frame never fires alone ahead of the rest).
                if !arrived.isEmpty { actions += batcher.enqueue(contentsOf: arrived, now: clock.now) }
            }
            if let at = tickAt, at <= clock.now {
                tickAt = nil
                actions.append(batcher.tick(now: clock.now))
            }
            while !actions.isEmpty {
                switch actions.removeFirst() {
                case .none:
                    break
                case let .scheduleTick(at):
                    tickAt = min(tickAt ?? at, at)
                case let .fire(batch):
                    let started = clock.now
                    let settled = await process(batch.payloads)
                    try? await broker.ack(settled.map(\.id), topic: topic, group: group)
                    await reportDepth(last: &depthReportedAt)
                    let now = clock.now
                    actions.append(batcher.batchCompleted(size: batch.size, duration: started.duration(to: now), now: now))
                case let .drop(requests, reason, then):
                    await drop(requests.map(\.payload), reason: reason == .deadlineExpired ? "deadline" : reason.rawValue)
                    actions.append(then)
                }
            }
            if batcher.queuedCount > 0 && tickAt == nil {
                tickAt = clock.now.advanced(by: batcher.configuration.maxQueueDelay)
            }
        }
    }

    /// The stage topic's length as a gauge (after a batch; a networked broker is asked at most
    /// every half second).
    private func reportDepth(last: inout EngineClock.Instant?) async {
        guard let gauge = host.metrics?.stage(stage.spec.name)?.depth else { return }
        let now = clock.now
        if let l = last, l.duration(to: now) < .milliseconds(500) { return }
        last = now
        if let stats = try? await broker.stats(topic: topic, group: group) { gauge.set(stats.length) }
    }

    /// When the frame is due at this stage: its video's deadline, or sooner when the stage has a
    /// latency budget (from a plan) and the frame became ready for it more than that ago. Nil
    /// without an SLO: budgets alone never drop frames.
    private func due(_ m: FrameMessage) -> Double? {
        guard let video = m.deadline else { return nil }
        guard let budget = host.configuration.stages[stage.spec.name]?.budget else { return video }
        return min(video, m.readyAt + budget.seconds)
    }

    /// The host-clock time `seconds` as an instant.
    private func instant(_ seconds: Double) -> EngineClock.Instant {
        clock.now.advanced(by: .microseconds(Int64((seconds - host.now()) * 1e6)))
    }

    /// Skips these frames for this stage and everything downstream, counts them, and acks.
    private func drop(_ deliveries: [Delivery<FrameMessage>], reason: String) async {
        var counted = StageTime()
        counted.dropped = deliveries.count
        host.addTotals(stage: stage.spec.name, time: counted)
        host.metrics?.dropped(stage: stage.spec.name, count: deliveries.count, reason: reason)
        var settled: [DeliveryID] = []
        for d in deliveries {
            do {
                try await host.dropped(d.message, stage: stage.spec.name, reason: reason, time: counted.forOne())
                settled.append(d.id)
            } catch {
                // Not recorded (the store is unreachable): left unacked, so it comes back.
            }
        }
        try? await broker.ack(settled, topic: topic, group: group)
    }

    /// Runs a batch; returns the deliveries that are settled (to ack). A batch that fails is
    /// re-run one video at a time, so only the bad video fails.
    private func process(_ deliveries: [Delivery<FrameMessage>]) async -> [Delivery<FrameMessage>] {
        var live: [Delivery<FrameMessage>] = []
        var settled: [Delivery<FrameMessage>] = []
        for d in deliveries {
            if await host.isFinished(d.message) { settled.append(d) } else { live.append(d) }
        }
        guard !live.isEmpty else { return settled }
        do {
            try await runTogether(live)
            return deliveries
        } catch {
            var byVideo: [String: [Delivery<FrameMessage>]] = [:]
            var order: [String] = []
            for d in live {
                let key = "\(d.message.job ?? "")/\(d.message.video)"
                if byVideo[key] == nil { order.append(key) }
                byVideo[key, default: []].append(d)
            }
            for key in order {
                guard let group = byVideo[key] else { continue }
                if let first = group.first, await host.isFinished(first.message) {
                    settled += group
                    continue
                }
                do {
                    try await runTogether(group)
                    settled += group
                } catch {
                    for d in group where await host.failed(d, stage: stage.spec.name, error: error) { settled.append(d) }
                }
            }
            return settled
        }
    }

    /// Runs the frames of `deliveries` as one batch (split at the batch limit) and records results.
    private func runTogether(_ deliveries: [Delivery<FrameMessage>]) async throws {
        var items: [StageItem] = []
        var present: [Bool] = []
        for (position, delivery) in deliveries.enumerated() {
            guard let input = try await host.input(delivery.message, stage: stage.spec.name) else {
                present.append(false)
                continue
            }
            present.append(true)
            let own = try StageItemBuilder.items(for: stage, chunk: [input.frame], outputs: input.upstream.mapValues { [0: $0] })
            items += own.map { $0.withSlot(position) }
        }
        let now = host.now()
        let startedAt = DefaultTracerClock.now.nanosecondsSinceEpoch
        let (results, time) = try await runner.run(items)
        if host.tracesBatches {
            trace(deliveries, present: present, items: items, time: time, readyBefore: now,
                  start: startedAt, end: DefaultTracerClock.now.nanosecondsSinceEpoch)
        }
        host.addTotals(stage: stage.spec.name, time: time)
        if let metrics = host.metrics {
            // The runner splits at its batch limit: full chunks, then the rest.
            let limit = max(1, runner.batchLimit)
            for start in stride(from: 0, to: items.count, by: limit) {
                var share = time
                let size = min(limit, items.count - start)
                share.scale(by: Double(size) / Double(max(1, items.count)), items: size)
                share.queueWaitSeconds = time.queueWaitSeconds * Double(size) / Double(max(1, items.count))
                metrics.batch(stage: stage.spec.name, size: size, time: share)
            }
        }
        let grouped = StageItemBuilder.group(results, for: stage, frames: deliveries.count)
        let totalItems = max(1, items.count)
        let itemsPerDelivery = items.reduce(into: [Int: Int]()) { $0[$1.slot, default: 0] += 1 }
        let batchesPerDelivery = Self.batchesCounted(items: items, deliveries: deliveries.map(\.message), limit: runner.batchLimit)
        for (position, delivery) in deliveries.enumerated() where present[position] {
            let m = delivery.message
            var share = time
            let mine = itemsPerDelivery[position] ?? 0
            share.scale(by: Double(mine) / Double(totalItems), items: mine)
            share.batches = batchesPerDelivery[position] ?? 0
            share.queueWaitSeconds = max(0, now - m.readyAt)
            var late = false
            if let deadline = due(m), host.now() > deadline {
                late = true
                share.late = 1
                var counted = StageTime()
                counted.late = 1
                host.addTotals(stage: stage.spec.name, time: counted)
            }
            let output = grouped[position] ?? .crops([])
            try await host.finished(m, stage: stage.spec.name, output: output, time: share, late: late)
        }
    }
}

extension StageWorker {
    /// Per delivery, the batches to count for its video, so that a video's `batches` is the number
    /// of distinct batches its items ran in (as the run's totals count them): each batch the
    /// runner forms (chunks of `limit` items) counts once per video, on the video's first
    /// delivery in that batch.
    static func batchesCounted(items: [StageItem], deliveries: [FrameMessage], limit: Int) -> [Int: Int] {
        var counted: [Int: Int] = [:]
        var seen: Set<String> = []
        for (index, item) in items.enumerated() where deliveries.indices.contains(item.slot) {
            let m = deliveries[item.slot]
            let key = "\(index / max(1, limit)) \(m.job ?? "") \(m.video)"
            if seen.insert(key).inserted { counted[item.slot, default: 0] += 1 }
        }
        return counted
    }

    /// Hands the batch to the host's traces: its size and times, and each video's frames, items
    /// and longest queue wait.
    func trace(_ deliveries: [Delivery<FrameMessage>], present: [Bool], items: [StageItem], time: StageTime, readyBefore now: Double,
               start: UInt64, end: UInt64) {
        var videos: [TracedBatch.Key: TracedBatch.Share] = [:]
        let itemsPerDelivery = items.reduce(into: [Int: Int]()) { $0[$1.slot, default: 0] += 1 }
        for (position, delivery) in deliveries.enumerated() where present[position] {
            let m = delivery.message
            let key = TracedBatch.Key(job: m.job, video: m.video)
            var share = videos[key] ?? TracedBatch.Share(traceparent: m.traceparent)
            share.frames += 1
            share.items += itemsPerDelivery[position] ?? 0
            share.queueWaitSeconds = max(share.queueWaitSeconds, now - m.readyAt)
            videos[key] = share
        }
        host.traced(TracedBatch(stage: stage.spec.name, model: stage.spec.model, id: SpanIdentity.randomHex(bytes: 8), size: items.count,
                                startUnixNano: start, endUnixNano: end, time: time, videos: videos))
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
