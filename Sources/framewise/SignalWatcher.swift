import Dispatch
import Foundation

/// Runs `action` once when the process receives one of `signals` (instead of dying), so a
/// worker can stop taking work and close its connections.
final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], action: @escaping @Sendable () -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            return source
        }
    }

    func stop() { sources.forEach { $0.cancel() } }
}
