import Foundation
import FramewiseCore
import FramewiseMedia

/// Preprocessors for one model's input, reused across batches. A `Preprocessor` caches
/// libswscale contexts and is not thread-safe, so each batch job checks one out for itself.
final class PreprocessorPool: @unchecked Sendable {
    let spec: PreprocessSpec
    private let lock = NSLock()
    private var idle: [Preprocessor] = []

    init(spec: PreprocessSpec) { self.spec = spec }

    func withPreprocessor<T>(_ body: (Preprocessor) throws -> T) rethrows -> T {
        lock.lock()
        let p = idle.popLast() ?? Preprocessor(spec: spec)
        lock.unlock()
        defer {
            lock.lock()
            idle.append(p)
            lock.unlock()
        }
        return try body(p)
    }
}

/// Preprocessor pools for one model's input by the size a batch runs at (one pool unless the
/// preprocessing has a dynamic width or size: then one per size met, at most `width / dynamicWidth`
/// x `height / dynamicHeight`).
final class PreprocessorPools: @unchecked Sendable {
    let spec: PreprocessSpec
    private let lock = NSLock()
    private var pools: [PixelSize: PreprocessorPool] = [:]

    init(spec: PreprocessSpec) { self.spec = spec }

    /// The pool for batches whose items have these source sizes, and the spec they run at.
    func pool(for sizes: [(width: Double, height: Double)]) -> PreprocessorPool {
        let fitted = spec.fitted(to: sizes)
        lock.lock()
        defer { lock.unlock() }
        if let pool = pools[fitted.size] { return pool }
        let pool = PreprocessorPool(spec: fitted)
        pools[fitted.size] = pool
        return pool
    }
}
