import FramewiseCore

extension LoadedPipeline {
    /// The result of a distributed video from what the job store holds: the same JSON as the
    /// in-process engines (frames in order, each stage's output, late marks, the summary).
    func result(of stored: StoredVideo, path: String) -> VideoResult {
        var stats = VideoStats(decodedFrames: stored.decodedFrames, decodeSeconds: stored.decodeSeconds, stages: stored.stages)
        var error = stored.error
        if error == nil, stored.totalFrames == 0 { error = "no frames decoded from \(path)" }
        var frames: [FrameResult] = []
        if error == nil {
            for frame in stored.frames.sorted(by: { $0.slot < $1.slot }) {
                var outputs: [String: StageFrameOutput] = [:]
                for (stage, bytes) in frame.outputs {
                    do {
                        outputs[stage] = try StageFrameOutput.decoded(from: bytes)
                    } catch {
                        outputs[stage] = .dropped("unreadable stored output: \(error)")
                    }
                }
                var result = frameResult(index: frame.info.index, source: frame.info.sourceIndex, time: frame.info.time, outputs: outputs)
                if frame.late { result.outputs.append(JSONField("late", .bool(true))) }
                frames.append(result)
            }
        }
        stats.sampledFrames = frames.count
        let summary = error == nil ? SummaryReducer.reduce(spec.summary, frames: frames) : []
        return VideoResult(video: path, pipeline: spec.name, status: error == nil ? .ok : .failed, error: error, media: stored.media,
                           frames: frames, summary: summary, stats: stats)
    }
}
