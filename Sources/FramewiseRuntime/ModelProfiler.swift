import Foundation
import FramewiseCore

/// Times a model's `run` at a given batch size on synthetic inputs of the shape its stage feeds.
public enum ModelProfiler {
    /// Inputs of batch `batch` for `stage`: its preprocessed image shape, or the model's declared
    /// shapes for joined tensors (dynamic dims after the batch set to 1). Filled with a fixed pattern.
    public static func inputs(for stage: LoadedStage, batch: Int) throws -> [String: Tensor] {
        switch stage.feed {
        case let .image(input, spec):
            let t = Tensor(elementType: spec.elementType, shape: [batch] + spec.itemShape)
            fill(t)
            return [input: t]
        case .tensors:
            var out: [String: Tensor] = [:]
            for info in stage.session.inputs {
                let t = Tensor(elementType: info.elementType, shape: [batch] + info.shape.dropFirst().map { $0 > 0 ? $0 : 1 })
                fill(t)
                out[info.name] = t
            }
            return out
        }
    }

    /// Seconds per run for `iterations` runs after two warm-up runs.
    public static func measure(session: any InferenceSession, inputs: [String: Tensor], iterations: Int) throws -> [Double] {
        for _ in 0..<2 { _ = try session.run(inputs) }
        let clock = ContinuousClock()
        return try (0..<max(1, iterations)).map { _ in
            let start = clock.now
            _ = try session.run(inputs)
            return (clock.now - start).seconds
        }
    }

    private static func fill(_ t: Tensor) {
        let bytes = t.buffer.baseAddress.assumingMemoryBound(to: UInt8.self)
        switch t.elementType {
        case .float32:
            let f = t.buffer.baseAddress.assumingMemoryBound(to: Float.self)
            for i in 0..<t.elementCount { f[i] = Float((i * 7919) % 255) / 255 }
        default:
            for i in 0..<t.byteCount { bytes[i] = UInt8(truncatingIfNeeded: i * 31) }
        }
    }
}
