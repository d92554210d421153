import Foundation
import FramewiseCore
import FramewiseONNX
import Synchronization
import Testing

/// One session, many threads: ORT's Run is thread-safe and results do not depend on interleaving.
@Suite struct ONNXConcurrencyTests {
    @Test func concurrentRunsGiveIdenticalResults() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("cnn_dynamic.onnx"), name: "cnn")
        let inputs = try (0..<4).map { seed in
            try Tensor.float32(shape: [2, 3, 32, 32], values: ONNXTestSupport.randomFloats(count: 6144, seed: UInt64(seed)))
        }
        let expected = try inputs.map { try session.run(["x": $0])["logits"]?.floats() ?? [] }

        let iterations = 48
        let results = Mutex<[Int: [Float]]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: iterations) { i in
            do {
                let logits = try session.run(["x": inputs[i % inputs.count]])["logits"]?.floats() ?? []
                results.withLock { $0[i] = logits }
            } catch {
                failures.withLock { $0.append(String(describing: error)) }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let collected = results.withLock { $0 }
        #expect(collected.count == iterations)
        for (i, logits) in collected {
            #expect(logits == expected[i % inputs.count], "run \(i) differs")
        }
    }
}
