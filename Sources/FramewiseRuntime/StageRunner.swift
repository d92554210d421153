import Foundation
import FramewiseCore
import FramewiseMedia
import FramewisePostprocess

/// Runs one stage's items through its model in batches of at most the model's batch limit.
/// Each batch is preprocessed, inferred and post-processed in one job on the blocking pool.
final class StageRunner: Sendable {
    let stage: LoadedStage
    let pool: BlockingPool
    /// Largest batch this runner forms (the model's limit unless overridden).
    let batchLimit: Int
    private let preprocessors: PreprocessorPools?
    /// Image batch buffers reused from batch to batch (preprocessing writes every byte), each large
    /// enough for a full batch at the model's written size.
    private let inputBuffers: TensorBufferPool

    init(stage: LoadedStage, pool: BlockingPool, batchLimit: Int? = nil) {
        self.stage = stage
        self.pool = pool
        self.batchLimit = max(1, batchLimit ?? stage.model.batchLimit)
        if case let .image(_, spec) = stage.feed {
            preprocessors = PreprocessorPools(spec: spec)
            inputBuffers = TensorBufferPool(bufferBytes: self.batchLimit * spec.itemByteCount)
        } else {
            preprocessors = nil
            inputBuffers = TensorBufferPool(bufferBytes: 0)
        }
    }

    /// Results for `items`, in the same order.
    func run(_ items: [StageItem]) async throws -> ([StageItemResult], StageTime) {
        var results: [StageItemResult] = []
        results.reserveCapacity(items.count)
        var time = StageTime()
        var start = 0
        let limit = batchLimit
        while start < items.count {
            let batch = Array(items[start..<min(start + limit, items.count)])
            start += batch.count
            let submitted = ContinuousClock.now
            let (r, t) = try await pool.run { [self] in try self.runBatch(batch, submitted: submitted) }
            results += r
            time.add(t)
        }
        return (results, time)
    }

    private func fail(_ message: String) -> StageError {
        StageError(stage: stage.spec.name, model: stage.model.name, message: message)
    }

    /// Preprocess, infer and post-process one batch (blocking).
    func runBatch(_ items: [StageItem], submitted: ContinuousClock.Instant? = nil) throws -> ([StageItemResult], StageTime) {
        var time = StageTime()
        time.items = items.count
        time.batches = 1
        let clock = ContinuousClock()
        var t0 = clock.now
        if let submitted { time.queueWaitSeconds = (t0 - submitted).seconds * Double(items.count) }
        var inputs: [String: Tensor] = [:]
        var transforms: [ImageTransform?] = Array(repeating: nil, count: items.count)
        // The image batch's buffer goes back to the pool once the model has run (nothing keeps it).
        var recycled: Tensor?
        defer {
            inputs = [:]
            if let recycled { inputBuffers.recycle(recycled) }
        }
        switch stage.feed {
        case .image(let input, _):
            guard let pools = preprocessors else { throw fail("no preprocessor") }
            // The batch's own width when it follows its items (`dynamicWidth`), else the model's.
            let sizes = items.map { $0.frame?.regionSize($0.crop) ?? (width: 0, height: 0) }
            let pool = pools.pool(for: sizes)
            let spec = pool.spec
            let tensor = inputBuffers.tensor(elementType: spec.elementType, shape: [items.count] + spec.itemShape)
            recycled = tensor
            try pool.withPreprocessor { p in
                for (i, item) in items.enumerated() {
                    guard let frame = item.frame else { throw fail("image item without a frame") }
                    let dst = tensor.buffer.baseAddress + i * spec.itemByteCount
                    do {
                        transforms[i] = try p.process(frame, crop: item.crop, rotate180: item.rotate180, into: dst)
                    } catch {
                        throw fail("preprocessing frame \(frame.index): \(error)")
                    }
                }
            }
            inputs[input] = tensor
        case let .tensors(bindings):
            for b in bindings {
                guard let first = items.first?.tensors[b.input] else { throw fail("missing joined tensor for input '\(b.input)'") }
                let per = first.values.count
                var values: [Float] = []
                values.reserveCapacity(per * items.count)
                for item in items {
                    guard let t = item.tensors[b.input], t.values.count == per else {
                        throw fail("joined tensors for input '\(b.input)' differ in size within a batch")
                    }
                    values += t.values
                }
                inputs[b.input] = try Tensor.float32(shape: [items.count] + first.shape, values: values)
            }
        }
        time.preprocessSeconds = (clock.now - t0).seconds
        t0 = clock.now
        let raw: [String: Tensor]
        do {
            raw = try stage.session.run(inputs)
        } catch {
            throw fail("\(error)")
        }
        time.inferenceSeconds = (clock.now - t0).seconds
        t0 = clock.now
        let ordered = stage.session.outputs.compactMap { info in raw[info.name].map { (name: info.name, tensor: $0) } }
        let perItem = ItemOutputs.split(ordered, batch: items.count)
        var results: [StageItemResult] = []
        results.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            do {
                let head = try stage.head.apply(perItem[i], transform: transforms[i])
                results.append(StageItemResult(slot: item.slot, crop: item.crop, head: head, outputs: perItem[i]))
            } catch {
                throw fail(error.description)
            }
        }
        time.postprocessSeconds = (clock.now - t0).seconds
        return (results, time)
    }
}
