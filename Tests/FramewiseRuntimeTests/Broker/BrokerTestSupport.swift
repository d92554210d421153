import FramewiseCore
import FramewiseRuntime
import Synchronization
import Testing

/// A clock the test moves by hand, for idle-time logic without sleeps.
final class ManualTime: Sendable {
    private let current = Mutex(Duration.zero)
    var now: @Sendable () -> Duration { { [self] in current.withLock { $0 } } }
    func advance(by step: Duration) { current.withLock { $0 += step } }
}

/// A flag a task sets when it finishes, to check that it has not.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension InProcessBroker {
    /// Yields until `topic` has the given suspended calls (the broker's own state, not timing).
    func untilSuspended(topic: String, publishers: Int = 0, consumers: Int = 0,
                        sourceLocation: SourceLocation = #_sourceLocation) async {
        for _ in 0..<200_000 {
            let calls = suspendedCalls(topic: topic)
            if calls.publishers == publishers, calls.consumers == consumers { return }
            await Task.yield()
        }
        Issue.record("topic \(topic) never had \(publishers) suspended publishers and \(consumers) consumers", sourceLocation: sourceLocation)
    }
}

func makeBroker<M: Sendable>(_: M.Type = M.self, bound: Int = 4096, maxDeliveries: Int = 5, time: ManualTime = ManualTime()) -> InProcessBroker<M> {
    InProcessBroker<M>(configuration: .init(bound: bound, maxDeliveries: maxDeliveries, now: time.now))
}

/// A value shared between test tasks.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}
