import Foundation
import FramewiseCore
import FramewiseMedia
import FramewisePostprocess

/// Runs the whole DAG over one video: decode once on a decode thread, then for each chunk of
/// sampled frames run the stages level by level (stages of one level concurrently), every
/// stage reading the same decoded frames. A failure fails this video only.
struct VideoRunner: Sendable {
    let pipeline: LoadedPipeline
    let runners: [String: StageRunner]
    let decodeThreads: Int
    var allowAnyDemuxer = false

    /// Frames per chunk: the largest batch limit of the stages that read frames.
    var chunkSize: Int {
        max(1, pipeline.stages.filter { if case .frame = $0.spec.input { true } else { false } }.map(\.model.batchLimit).max() ?? 1)
    }

    func process(path: String) async -> VideoResult {
        let clock = ContinuousClock()
        let start = clock.now
        var frames: [FrameResult] = []
        var stages: [String: StageTime] = [:]
        let worker = DecodeWorker(readAhead: max(pipeline.spec.decode.readAhead, chunkSize))
        worker.start(path: path, sampling: pipeline.spec.sampling, threads: decodeThreads, allowAnyDemuxer: allowAnyDemuxer)
        var failure: String?
        do {
            var done = false
            while !done {
                var chunk: [VideoFrame] = []
                while chunk.count < chunkSize {
                    guard let frame = try await worker.channel.next() else {
                        done = true
                        break
                    }
                    chunk.append(frame)
                }
                if chunk.isEmpty { break }
                frames += try await processChunk(chunk, times: &stages)
            }
        } catch {
            worker.channel.cancel()
            failure = "\(error)"
        }
        let decode = worker.stats
        var stats = VideoStats(decodedFrames: decode.decoded, sampledFrames: frames.count,
                               wallSeconds: (clock.now - start).seconds, decodeSeconds: decode.seconds, stages: stages)
        if failure == nil && frames.isEmpty {
            failure = "no frames decoded from \(path)"
        }
        stats.sampledFrames = frames.count
        let summary = SummaryReducer.reduce(pipeline.spec.summary, frames: frames)
        return VideoResult(video: path, pipeline: pipeline.spec.name, status: failure == nil ? .ok : .failed, error: failure, media: worker.media,
                           frames: frames, summary: summary, stats: stats)
    }

    /// Runs every stage over a chunk of frames and returns one result per frame.
    func processChunk(_ chunk: [VideoFrame], times: inout [String: StageTime]) async throws -> [FrameResult] {
        var outputs: [String: [Int: StageFrameOutput]] = [:]
        for level in pipeline.levels {
            let done = outputs
            let results = try await withThrowingTaskGroup(of: (String, [Int: StageFrameOutput], StageTime).self) { group in
                for stage in level {
                    guard let runner = runners[stage.spec.name] else { continue }
                    group.addTask {
                        let items = try StageItemBuilder.items(for: stage, chunk: chunk, outputs: done)
                        let (results, time) = try await runner.run(items)
                        return (stage.spec.name, StageItemBuilder.group(results, for: stage, frames: chunk.count), time)
                    }
                }
                var all: [(String, [Int: StageFrameOutput], StageTime)] = []
                for try await r in group { all.append(r) }
                return all
            }
            for (name, byFrame, time) in results {
                outputs[name] = byFrame
                times[name, default: StageTime()].add(time)
            }
        }
        return chunk.enumerated().map { slot, frame in
            pipeline.frameResult(index: frame.index, source: frame.sourceIndex, time: frame.time, outputs: outputs.compactMapValues { $0[slot] })
        }
    }
}
