/// Where a session runs: ONNX Runtime execution providers, tried in order, CPU always last.
public enum ExecutionProvider: Sendable, Codable, Equatable, Hashable {
    case cpu
    case cuda(deviceID: Int)
    case tensorRT(deviceID: Int)
}

/// How to build an inference session. Defaults suit a CPU with other sessions beside it.
public struct SessionOptions: Sendable, Codable, Equatable {
    /// Threads inside one operator (0: the backend's default, usually all cores).
    public var intraOpThreads: Int
    /// Threads across independent operators (0: the backend's default).
    public var interOpThreads: Int
    /// Execution providers in order of preference; CPU is the fallback.
    public var providers: [ExecutionProvider]
    /// Whether idle intra-op threads spin. Off by default: sessions that share cores slow each other.
    public var allowSpinning: Bool

    public init(intraOpThreads: Int = 0, interOpThreads: Int = 0, providers: [ExecutionProvider] = [.cpu], allowSpinning: Bool = false) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.providers = providers
        self.allowSpinning = allowSpinning
    }
}

/// A loaded model that runs batches. `run` blocks: call it from a dedicated thread.
/// Implementations must allow concurrent `run` calls.
public protocol InferenceSession: AnyObject, Sendable {
    /// The model's name as the pipeline calls it (used in every error).
    var modelName: String { get }
    /// Declared inputs, in the model's order.
    var inputs: [TensorInfo] { get }
    /// Declared outputs, in the model's order.
    var outputs: [TensorInfo] { get }
    /// Custom metadata of the model (e.g. a character list or class names).
    var metadata: [String: String] { get }
    /// Runs the model on the named inputs (read in place, not copied) and returns every output.
    func run(_ inputs: [String: Tensor]) throws -> [String: Tensor]
}

/// Loads models into sessions (ONNX Runtime in production; fakes in tests).
public protocol InferenceBackend: Sendable {
    /// Loads the model at `path`, calling it `name` in errors and logs.
    func loadSession(path: String, name: String, options: SessionOptions) throws -> any InferenceSession
    /// Runs `body` with the backend's own error log held back, for runs expected to fail whose
    /// errors the caller reports itself (the load-time probe of each model).
    func withErrorLogMuted<T>(_ body: () throws -> T) rethrows -> T
}

extension InferenceBackend {
    /// Backends without a log of their own just run `body`.
    public func withErrorLogMuted<T>(_ body: () throws -> T) rethrows -> T { try body() }
}
