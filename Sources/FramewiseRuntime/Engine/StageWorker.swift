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

    func run() async {
        let limit = runner.batchLimit
        while !Task.isCancelled {
            let deliveries: [Delivery<FrameMessage>]
            do {
                deliveries = try await collectBatch(limit: limit)
            } catch {
                return  // broker closed: the run is over
            }
            if deliveries.isEmpty { continue }
            await process(deliveries)
            try? await broker.ack(deliveries.map(\.id), topic: topic, group: EngineContext.group)
        }
    }

    /// Up to `limit` messages: waits for the first, then briefly for more from other videos.
    private func collectBatch(limit: Int) async throws -> [Delivery<FrameMessage>] {
        var batch = try await broker.consume(from: topic, group: EngineContext.group, consumer: consumer, max: limit, wait: .milliseconds(200))
        guard !batch.isEmpty, (batch.count < limit), (context.configuration.maxQueueDelay > .zero) else { return batch }
        let deadline = ContinuousClock.now.advanced(by: context.configuration.maxQueueDelay)
        while batch.count < limit {
            let left = deadline - ContinuousClock.now
            if left <= .zero { break }
            let more = try await broker.consume(from: topic, group: EngineContext.group, consumer: consumer, max: limit - batch.count, wait: left)
            if more.isEmpty { break }
            batch += more
        }
        return batch
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
        for (position, delivery) in deliveries.enumerated() {
            let m = delivery.message
            var share = time
            let mine = items.filter { $0.slot == position }.count
            share.scale(by: Double(mine) / Double(totalItems), items: mine)
            share.queueWaitSeconds = max(0, now - m.readyAt)
            context.tracker.addStageTime(m.video, stage: stage.spec.name, time: share)
            let output = grouped[position] ?? .crops([])
            try await context.stageFinished(stage: stage.spec.name, frame: FrameKey(video: m.video, slot: m.slot), output: output)
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
    /// This batch's times scaled to one video's share of its items.
    mutating func scale(by fraction: Double, items: Int) {
        preprocessSeconds *= fraction
        inferenceSeconds *= fraction
        postprocessSeconds *= fraction
        self.items = items
        batches = items > 0 ? 1 : 0
    }
}
