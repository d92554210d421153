import Foundation
import FramewiseCore
import FramewiseRuntime

typealias BatchInstant = ContinuousClock.Instant
typealias TestBatcher = AdaptiveBatcher<Int, BatchInstant>

/// A fixed origin for synthetic time.
let batchT0 = ContinuousClock().now

/// `batchT0` plus `x` milliseconds.
func tAt(_ x: Double) -> BatchInstant { batchT0.advanced(by: .microseconds(Int64((x * 1000).rounded()))) }

func msec(_ x: Double) -> Duration { .microseconds(Int64((x * 1000).rounded())) }

extension AdaptiveBatcher.Action {
    /// The batch this action fires, looking through drops.
    var firedBatch: Batch<Payload, Instant>? {
        switch self {
        case let .fire(batch): batch
        case let .drop(_, _, then): then.firedBatch
        default: nil
        }
    }

    /// The tick this action asks for, looking through drops.
    var tickTime: Instant? {
        switch self {
        case let .scheduleTick(at): at
        case let .drop(_, _, then): then.tickTime
        default: nil
        }
    }

    /// Requests dropped by this action and why.
    var dropped: [(BatchRequest<Payload, Instant>, DropReason)] {
        if case let .drop(requests, reason, then) = self { return requests.map { ($0, reason) } + then.dropped }
        return []
    }

    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

/// A discrete-event simulation of one batcher: arrivals at given times, batches taking
/// `latency(size)`, ticks delivered exactly when asked for.
struct BatcherSimulation {
    var batcher: TestBatcher
    var latency: (Int) -> Duration
    var batches: [Batch<Int, BatchInstant>] = []
    var dropped: [(BatchRequest<Int, BatchInstant>, DropReason)] = []
    private var tick: BatchInstant?
    private var completions: [(at: BatchInstant, size: Int)] = []

    init(_ configuration: BatcherConfiguration, instances: Int = 1, latency: @escaping (Int) -> Duration) {
        batcher = TestBatcher(configuration: configuration, instances: instances)
        self.latency = latency
    }

    /// Runs arrivals (time, optional deadline), payloads numbered in order, until all is done.
    mutating func run(_ arrivals: [(BatchInstant, BatchInstant?)], key: (Int) -> String? = { _ in nil }) {
        var next = 0
        while true {
            let arrival = next < arrivals.count ? arrivals[next].0 : nil
            let first = completions.indices.min { completions[$0].at < completions[$1].at }
            let candidates = [first.map { completions[$0].at }, tick, arrival].compactMap { $0 }
            guard let now = candidates.min() else { return }
            if let first, completions[first].at == now {
                let completion = completions.remove(at: first)
                apply(batcher.batchCompleted(size: completion.size, duration: latency(completion.size), now: now), now)
            } else if let tick, tick == now {
                self.tick = nil
                apply(batcher.tick(now: now), now)
            } else {
                apply(batcher.enqueue(next, key: key(next), deadline: arrivals[next].1, now: now), now)
                next += 1
            }
        }
    }

    private mutating func apply(_ action: TestBatcher.Action, _ now: BatchInstant) {
        switch action {
        case .none: break
        case let .fire(batch):
            batches.append(batch)
            completions.append((now.advanced(by: latency(batch.size)), batch.size))
        case let .scheduleTick(at): tick = at
        case let .drop(requests, reason, then):
            dropped += requests.map { ($0, reason) }
            apply(then, now)
        }
    }

    /// How long the oldest request of each batch waited.
    var oldestWaits: [Duration] { batches.compactMap { b in b.requests.first.map { $0.enqueuedAt.duration(to: b.firedAt) } } }
    /// How long each request waited.
    var waits: [Duration] { batches.flatMap { b in b.requests.map { $0.enqueuedAt.duration(to: b.firedAt) } } }
}

/// `count` arrivals every `interval` milliseconds from `start`.
func periodicArrivals(_ count: Int, every interval: Double, from start: Double = 0) -> [(BatchInstant, BatchInstant?)] {
    (0..<count).map { (tAt(start + Double($0) * interval), nil) }
}

/// Exponentially distributed arrivals with mean gap `mean` milliseconds.
func poissonArrivals(_ count: Int, meanGap mean: Double, seed: UInt64 = 7) -> [(BatchInstant, BatchInstant?)] {
    var rng = SplitMix64(seed: seed)
    var t = 0.0
    return (0..<count).map { _ in
        t += -mean * log1p(-Double.random(in: 0..<1, using: &rng))
        return (tAt(t), nil)
    }
}
