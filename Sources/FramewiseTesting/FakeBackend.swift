import Foundation
import Synchronization
import FramewiseCore

/// An in-memory model for tests: declared inputs and outputs, and a closure that computes the
/// outputs of a batch. Counts its runs and the batch sizes it saw.
public final class FakeSession: InferenceSession, @unchecked Sendable {
    public let modelName: String
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    public let metadata: [String: String]
    private let compute: @Sendable ([String: Tensor]) throws -> [String: Tensor]
    private let lock = NSLock()
    private var _batchSizes: [Int] = []

    public init(name: String, inputs: [TensorInfo], outputs: [TensorInfo], metadata: [String: String] = [:],
                compute: @escaping @Sendable ([String: Tensor]) throws -> [String: Tensor]) {
        self.modelName = name
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
        self.compute = compute
    }

    /// Batch sizes of every run so far, in order.
    public var batchSizes: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return _batchSizes
    }

    public func run(_ inputs: [String: Tensor]) throws -> [String: Tensor] {
        lock.lock()
        _batchSizes.append(inputs.values.first?.shape.first ?? 0)
        lock.unlock()
        return try compute(inputs)
    }
}

/// A backend that hands out `FakeSession`s by model path.
public struct FakeBackend: InferenceBackend {
    public let sessions: [String: FakeSession]
    public init(sessions: [String: FakeSession]) { self.sessions = sessions }

    public func loadSession(path: String, name: String, options: SessionOptions) throws -> any InferenceSession {
        guard let s = sessions[path] else { throw FakeBackendError(path: path) }
        return s
    }
}

/// A `FakeBackend` was asked for a model it does not have.
public struct FakeBackendError: Error, CustomStringConvertible {
    public let path: String
    public init(path: String) { self.path = path }
    public var description: String { "no fake model at \(path)" }
}

extension FakeSession {
    /// A model [N,3,H,W] float32 -> [N,k]: output j of item i is the mean of input channel (j % 3),
    /// plus `bias` — simple enough to predict, different per frame content.
    public static func channelMeans(name: String, width: Int, height: Int, outputs k: Int, bias: Float = 0) -> FakeSession {
        FakeSession(
            name: name,
            inputs: [TensorInfo(name: "image", elementType: .float32, shape: [-1, 3, height, width])],
            outputs: [TensorInfo(name: "features", elementType: .float32, shape: [-1, k])]
        ) { inputs in
            guard let x = inputs["image"] else { throw FakeBackendError(path: "input image") }
            let n = x.shape[0], plane = height * width
            let values = x.floats()
            var out: [Float] = []
            for i in 0..<n {
                for j in 0..<k {
                    let c = j % 3
                    let start = (i * 3 + c) * plane
                    let mean = values[start..<(start + plane)].reduce(0, +) / Float(plane)
                    out.append(mean + bias)
                }
            }
            return ["features": try Tensor.float32(shape: [n, k], values: out)]
        }
    }

    /// A model with inputs a [N,k] and b [N,k] -> sum [N,k] = a + b.
    public static func adder(name: String, width k: Int) -> FakeSession {
        FakeSession(
            name: name,
            inputs: [TensorInfo(name: "a", elementType: .float32, shape: [-1, k]), TensorInfo(name: "b", elementType: .float32, shape: [-1, k])],
            outputs: [TensorInfo(name: "sum", elementType: .float32, shape: [-1, k])]
        ) { inputs in
            guard let a = inputs["a"], let b = inputs["b"] else { throw FakeBackendError(path: "inputs a, b") }
            let sum = zip(a.floats(), b.floats()).map(+)
            return ["sum": try Tensor.float32(shape: a.shape, values: sum)]
        }
    }
}

extension FakeSession {
    /// A model [N,3,h,w] -> [N,1] of `value` that takes `seconds` per batch, whatever its size.
    public static func slow(name: String, width: Int, height: Int, seconds: Double, value: Float = 0) -> FakeSession {
        FakeSession(
            name: name,
            inputs: [TensorInfo(name: "image", elementType: .float32, shape: [-1, 3, height, width])],
            outputs: [TensorInfo(name: "y", elementType: .float32, shape: [-1, 1])]
        ) { inputs in
            Thread.sleep(forTimeInterval: seconds)
            let n = inputs["image"]?.shape[0] ?? 0
            return ["y": try Tensor.float32(shape: [n, 1], values: Array(repeating: value, count: n))]
        }
    }
}

extension FakeSession {
    /// A model [N,3,h,w] -> [N,1] of ones that throws "scripted failure" on the runs for which
    /// `fails(run)` is true (runs counted from 1).
    public static func failing(name: String, width: Int, height: Int, when fails: @escaping @Sendable (Int) -> Bool) -> FakeSession {
        let runs = Mutex(0)
        return FakeSession(
            name: name,
            inputs: [TensorInfo(name: "x", elementType: .float32, shape: [-1, 3, height, width])],
            outputs: [TensorInfo(name: "y", elementType: .float32, shape: [-1, 1])]
        ) { inputs in
            let run = runs.withLock { $0 += 1; return $0 }
            if fails(run) { throw FakeBackendError(path: "scripted failure") }
            let n = inputs["x"]?.shape[0] ?? 0
            return ["y": try Tensor.float32(shape: [n, 1], values: Array(repeating: 1, count: n))]
        }
    }
}
