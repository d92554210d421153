import FramewiseCore

/// The clock an engine run reads: any `Clock` measuring in `Duration` (the continuous clock in
/// production, a manual or scaled one in tests), type-erased so the engine, its contexts and its
/// stage workers share one time source without being generic. Instants are offsets from the
/// moment the clock was wrapped.
public struct EngineClock: Clock, Sendable {
    /// A point in time: the duration since the wrapped clock's origin.
    public struct Instant: InstantProtocol, Sendable, Hashable {
        public var offset: Duration
        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let read: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps `clock`; its current instant becomes offset zero.
    public init<C: Clock & Sendable>(_ clock: C) where C.Duration == Duration, C.Instant: Sendable {
        let origin = clock.now
        read = { origin.duration(to: clock.now) }
        sleeper = { d in try await clock.sleep(until: clock.now.advanced(by: d), tolerance: nil) }
        minimumResolution = clock.minimumResolution
    }

    /// A new wrapper of the continuous clock (monotonic, keeps counting during sleep), its origin
    /// now. Wrap once and share it: two wrappers made at different times disagree.
    public static var continuous: EngineClock { EngineClock(ContinuousClock()) }

    public var now: Instant { Instant(offset: read()) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let wait = now.duration(to: deadline)
        if wait > .zero { try await sleeper(wait) }
    }

    /// Seconds since the clock was wrapped.
    public var elapsedSeconds: Double { read().seconds }
}
