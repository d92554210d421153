import FramewiseCore

/// Decides which decoded frames a `SamplingPolicy` keeps, from presentation times alone (pure state machine).
///
/// Feed frames in presentation order with `offer(time:isKeyframe:)`; at end of stream `finish()`
/// says whether the last offered (and not taken) frame should still be emitted (`.uniform` only,
/// when targets lie past the last frame's time).
struct FrameSampler {
    /// Tolerance for comparing times with ticks, in seconds: timestamps are rounded to the time base.
    static let epsilon = 1e-6

    private let policy: SamplingPolicy
    private var offered = 0
    /// `.fps`: index of the next tick (tick k is at k / n seconds).
    private var nextTick = 0
    /// `.uniform`: the target times, and how many are already served.
    private let targets: [Double]
    private var nextTarget = 0
    private var lastTaken = false

    /// `duration` is needed by `.uniform` (seconds from the stream start).
    /// Nil if the policy's parameter is invalid (a non-positive rate, step or count).
    init?(policy: SamplingPolicy, duration: Double?) {
        self.policy = policy
        switch policy {
        case let .fps(n) where !(n > 0 && n.isFinite): return nil
        case let .everyNth(n) where n < 1: return nil
        case let .uniform(k) where k < 1: return nil
        case let .uniform(k):
            let d = max(duration ?? 0, 0)
            targets = (0..<k).map { (Double($0) + 0.5) * d / Double(k) }
            return
        default: break
        }
        targets = []
    }

    /// Whether to keep the frame at `time` (seconds from the stream start).
    mutating func offer(time: Double, isKeyframe: Bool) -> Bool {
        defer { offered += 1 }
        let take: Bool
        switch policy {
        case .everyFrame: take = true
        case let .everyNth(n): take = offered % n == 0
        case .keyframes: take = isKeyframe
        case let .fps(n):
            take = time * n >= Double(nextTick) - Self.epsilon * n
            if take { nextTick = Int((time * n + Self.epsilon * n).rounded(.down)) + 1 }
        case .uniform:
            take = nextTarget < targets.count && time >= targets[nextTarget] - Self.epsilon
            while nextTarget < targets.count && time >= targets[nextTarget] - Self.epsilon { nextTarget += 1 }
        }
        lastTaken = take
        return take
    }

    /// At end of stream: whether the last offered frame should be emitted because targets remain unserved.
    mutating func finish() -> Bool {
        guard case .uniform = policy, offered > 0, !lastTaken, nextTarget < targets.count else { return false }
        nextTarget = targets.count
        return true
    }

    /// Whether the sampler wants the last offered frame kept around for `finish()`.
    var holdsLastFrame: Bool {
        if case .uniform = policy { return true }
        return false
    }
}
