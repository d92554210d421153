import FramewiseCore
import FramewiseMedia
import FramewisePostprocess
import FramewiseRuntime

/// One preprocessed frame as a model sees it: the input tensor's values and the transform back to frame pixels.
public struct PreparedFrame: Sendable {
    public var values: [Float]
    public var transform: ImageTransform
}

/// The frames of one model, split into calibration frames and held-out frames.
public struct CalibrationFrames: Sendable {
    /// The model's item shape (without the batch axis).
    public var itemShape: [Int]
    public var calibration: [PreparedFrame] = []
    public var heldOut: [PreparedFrame] = []

    /// Decodes `videos` with the pipeline's own sampling and preprocesses each frame with `pre`
    /// through the engine's `Preprocessor`, so calibration sees exactly what the model sees.
    /// Every `holdOutEvery`-th frame is held out; at most `limit` calibration frames are kept.
    public static func collect(videos: [String], sampling: SamplingPolicy, pre: PreprocessSpec,
                               holdOutEvery: Int, limit: Int) throws -> CalibrationFrames {
        guard pre.elementType == .float32 else {
            throw OptimizeError("preprocess element type \(pre.elementType.rawValue) is not float32: only float32 inputs are calibrated")
        }
        var out = CalibrationFrames(itemShape: pre.itemShape)
        let preprocessor = Preprocessor(spec: pre)
        let count = Tensor.elementCount(of: pre.itemShape)
        var index = 0
        for video in videos {
            let decoder = try VideoDecoder(path: video, sampling: sampling, threads: 0)
            while out.calibration.count < limit || out.heldOut.count < max(1, limit / max(1, holdOutEvery - 1)),
                  let frame = try decoder.next() {
                var values = [Float](repeating: 0, count: count)
                let transform = try values.withUnsafeMutableBytes { bytes in
                    guard let base = bytes.baseAddress else { throw OptimizeError("model input of shape \(pre.itemShape) is empty") }
                    return try preprocessor.process(frame, into: base)
                }
                let prepared = PreparedFrame(values: values, transform: transform)
                if index % holdOutEvery == holdOutEvery - 1 {
                    out.heldOut.append(prepared)
                } else if out.calibration.count < limit {
                    out.calibration.append(prepared)
                }
                index += 1
            }
        }
        guard !out.calibration.isEmpty, !out.heldOut.isEmpty else {
            throw OptimizeError("the calibration videos gave \(index) sampled frame(s); at least \(holdOutEvery) are needed")
        }
        return out
    }
}
