import Dispatch
import Foundation

/// Runs `action` when the process receives one of `signals` (instead of dying), so a run or a
/// worker can stop taking work, write what it has and close its connections. `action` gets how
/// many of the signals have arrived so far (1 for the first), so a second one can stop at once.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    init(signals: [Int32], action: @escaping @Sendable (Int) -> Void) {
        self.signals = signals
        let count = Counter()
        // One serial queue: the count and the actions follow the signals' order.
        let queue = DispatchQueue(label: "framewise.signals")
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            // Signals that arrive together are coalesced into one event: `data` says how many.
            source.setEventHandler { action(count.add(max(1, Int(source.data)))) }
            source.resume()
            return source
        }
    }

    /// Stops watching; the signals kill the process again, as by default.
    func stop() {
        sources.forEach { $0.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }

    /// Signals seen so far.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add(_ n: Int) -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += n
            return value
        }
    }
}
