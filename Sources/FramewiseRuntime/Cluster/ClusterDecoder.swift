import Foundation
import FramewiseCore
import FramewiseMedia
import Tracing

/// One decoding slot of a distributed worker: takes a video from the decode topic, writes its
/// sampled frames to shared storage, hands each frame to the root stages, and acks once the
/// video's frame count is recorded. A crash midway makes the video come back (reclaim); frames
/// already handed on are not handed on again.
struct ClusterDecoder: Sendable {
    let context: ClusterContext
    let videos: any Broker<VideoMessage>
    let consumer: String

    var topic: String { context.decodeTopic }

    func run() async {
        var cursor = ConsumerCursor(broker: videos, topic: topic, group: ClusterOptions.group, consumer: consumer,
                                    reclaimAfter: context.options.reclaimAfter)
        while !Task.isCancelled && !context.isDraining {
            let got: [Delivery<VideoMessage>]
            do {
                got = try await cursor.next(max: 1, wait: .seconds(1))
            } catch BrokerError.connection {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            } catch {
                return  // closed
            }
            for delivery in got {
                do {
                    try await decode(delivery.message)
                    try await videos.ack([delivery.id], topic: topic, group: ClusterOptions.group)
                } catch {
                    // The store or broker is unreachable: leave it unacked; it comes back.
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
    }

    /// Decodes one video. Decode errors fail the video (a corrupt file fails alone); store and
    /// broker errors are thrown, leaving the message for redelivery.
    func decode(_ m: VideoMessage) async throws {
        let store = context.store
        if try await store.isFinished(job: m.job, epoch: m.epoch, video: m.video) { return }
        let spec = context.pipeline.spec
        // Decoding in the video's trace (carried by the message from the run that submitted it).
        let span = context.tracer.flatMap { tracer in
            ClusterContext.context(m.traceparent).map {
                tracer.startSpan(TraceVocabulary.decode, context: $0, ofKind: .internal, at: DefaultTracerClock.now,
                                 function: #function, file: #fileID, line: #line)
            }
        }
        defer { span?.end() }
        let worker = DecodeWorker(readAhead: max(1, spec.decode.readAhead))
        let threads = spec.decode.threads > 0 ? spec.decode.threads : (context.configuration.decodeThreads > 0 ? context.configuration.decodeThreads : 1)
        worker.start(path: m.path, sampling: spec.sampling, threads: threads)
        defer { worker.channel.cancel() }
        var slot = 0
        while true {
            let frame: VideoFrame?
            do {
                frame = try await worker.channel.next()
            } catch {
                try await store.fail(job: m.job, epoch: m.epoch, video: m.video, error: "\(error)")
                return
            }
            guard let frame else { break }
            context.options.faults.decodedFrame?(m.path)
            if slot % 32 == 31, try await store.isFinished(job: m.job, epoch: m.epoch, video: m.video) {
                context.frames.removeVideo(job: m.job, epoch: m.epoch, video: m.video)
                return
            }
            let ready = context.now()
            do {
                try context.frames.write(frame, job: m.job, epoch: m.epoch, video: m.video, slot: slot)
            } catch {
                try await store.fail(job: m.job, epoch: m.epoch, video: m.video, error: "storing frame \(slot) of \(m.path): \(error)")
                return
            }
            let info = StoredFrameInfo(index: frame.index, time: frame.time, readyAt: ready, sourceIndex: frame.sourceIndex)
            switch try await store.frameDecoded(job: m.job, epoch: m.epoch, video: m.video, slot: slot, info: info) {
            case .videoGone:
                // Written, abandoned, lost or started over meanwhile: nobody needs these frames.
                context.frames.removeVideo(job: m.job, epoch: m.epoch, video: m.video)
                return
            case .alreadyPublished:
                break
            case .publish:
                let message = FrameMessage(job: m.job, video: m.video, slot: slot, readyAt: ready, deadline: m.deadline, epoch: m.epoch,
                                           traceparent: m.traceparent)
                for stage in context.wiring.roots {
                    try await context.broker.publish([message], to: context.topic(stage))
                }
                try await store.markPublished(job: m.job, epoch: m.epoch, video: m.video, slot: slot, stages: [JobStoreKeys.roots])
            }
            slot += 1
        }
        let stats = worker.stats
        context.metrics?.decoded(frames: stats.decoded, sampled: slot)
        span?.attributes.set(TraceVocabulary.Key.framesDecoded, value: .int64(Int64(stats.decoded)))
        span?.attributes.set(TraceVocabulary.Key.framesSampled, value: .int64(Int64(slot)))
        try await store.videoDecoded(job: m.job, epoch: m.epoch, video: m.video, frames: slot, decodedFrames: stats.decoded, decodeSeconds: stats.seconds,
                                     media: worker.media)
    }
}
