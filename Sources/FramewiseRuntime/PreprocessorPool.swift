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
