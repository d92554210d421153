import FramewiseCore
import FramewiseMedia
import FramewisePostprocess
import FramewiseRuntime

/// One preprocessed frame as a model sees it: the input tensor's values and the transform back to frame pixels.
public struct PreparedFrame: Sendable {
    public var values: [Float]
    public var transform: ImageTransform
}

/// The frames (or crops) of one model, split into calibration items and held-out items.
public struct CalibrationFrames: Sendable {
    /// The model's item shape (without the batch axis).
    public var itemShape: [Int]
    public var calibration: [PreparedFrame] = []
    public var heldOut: [PreparedFrame] = []

    /// Decodes `videos` with the pipeline's own sampling and preprocesses each image `stage` is fed
    /// (the frame, or each crop of its upstream boxes: `StageInputSampler`) with `pre` through the
    /// engine's `Preprocessor`, so calibration sees exactly what the model sees.
    /// Every `holdOutEvery`-th item is held out; at most `limit` calibration items are kept.
    public static func collect(videos: [String], sampling: SamplingPolicy, stage: String, pipeline: LoadedPipeline,
                               pre: PreprocessSpec, holdOutEvery: Int, limit: Int) throws -> CalibrationFrames {
        let every = max(2, holdOutEvery)
        let wanted = limit + max(1, limit / (every - 1))
        let samples = try ImageSamples.collect(videos: videos, sampling: sampling, stage: stage, pipeline: pipeline, count: wanted)
        var out = CalibrationFrames(itemShape: pre.itemShape)
        for (index, prepared) in try ImageSamples.prepare(samples, pre).enumerated() {
            if index % every == every - 1 {
                out.heldOut.append(prepared)
            } else if out.calibration.count < limit {
                out.calibration.append(prepared)
            }
        }
        guard !out.calibration.isEmpty, !out.heldOut.isEmpty else {
            throw OptimizeError("the calibration videos gave \(samples.count) input(s) for stage '\(stage)'; at least \(every) are needed")
        }
        return out
    }
}

/// The images a stage is fed, decoded from videos and preprocessed as the engine does it.
enum ImageSamples {
    /// Up to `count` images of `stage` from `videos`, decoded lazily (a chunk of frames at a time)
    /// and spread over the videos in order.
    static func collect(videos: [String], sampling: SamplingPolicy, stage: String, pipeline: LoadedPipeline,
                        count: Int) throws -> [ImageSample] {
        var out: [ImageSample] = []
        for video in videos where out.count < count {
            let decoder = try VideoDecoder(path: video, sampling: sampling, threads: 0)
            var chunk: [VideoFrame] = []
            var ended = false
            while out.count < count, !ended {
                if let frame = try decoder.next() { chunk.append(frame) } else { ended = true }
                if chunk.count == 8 || (ended && !chunk.isEmpty) {
                    out += try StageInputSampler.images(for: stage, in: pipeline, frames: chunk, limit: count - out.count)
                    chunk = []
                }
            }
        }
        return out
    }

    /// `samples` preprocessed by the engine's `Preprocessor` with `pre`.
    static func prepare(_ samples: [ImageSample], _ pre: PreprocessSpec) throws -> [PreparedFrame] {
        guard pre.elementType == .float32 else {
            throw OptimizeError("preprocess element type \(pre.elementType.rawValue) is not float32: only float32 inputs are calibrated and compared")
        }
        let preprocessor = Preprocessor(spec: pre)
        let count = Tensor.elementCount(of: pre.itemShape)
        return try samples.map { sample in
            var values = [Float](repeating: 0, count: count)
            let transform = try values.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { throw OptimizeError("model input of shape \(pre.itemShape) is empty") }
                return try preprocessor.process(sample.frame, crop: sample.crop, rotate180: sample.rotate180, into: base)
            }
            return PreparedFrame(values: values, transform: transform)
        }
    }
}
