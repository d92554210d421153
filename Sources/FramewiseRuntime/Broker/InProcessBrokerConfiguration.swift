/// Knobs of an `InProcessBroker`, with defaults suited to one process running a whole pipeline.
public struct InProcessBrokerConfiguration: Sendable {
    /// Most messages a topic stores (undelivered plus delivered-but-unacked); `publish`
    /// suspends while a topic is full. At least 1. Dead-letter topics are not bounded.
    public var bound: Int
    /// Bounds of particular topics, overriding `bound` for them.
    public var topicBounds: [String: Int] = [:]
    /// How often a message may be delivered to one group. A `reclaim` that would deliver it
    /// once more moves it to the dead-letter topic instead. At least 1.
    public var maxDeliveries: Int
    /// Time since an arbitrary, fixed origin, read when a message is delivered and when
    /// `reclaim` measures idleness. Inject a manual clock in tests so they need no sleeps.
    /// `consume`'s `wait` always uses real time.
    public var now: @Sendable () -> Duration

    public init(bound: Int = 4096, topicBounds: [String: Int] = [:], maxDeliveries: Int = 5, now: (@Sendable () -> Duration)? = nil) {
        self.bound = Swift.max(1, bound)
        self.topicBounds = topicBounds
        self.maxDeliveries = Swift.max(1, maxDeliveries)
        self.now = now ?? Self.continuousNow
    }

    /// The default `now`: monotonic time since this process first asked.
    public static let continuousNow: @Sendable () -> Duration = {
        let origin = ContinuousClock.now
        return { ContinuousClock.now - origin }
    }()
}
