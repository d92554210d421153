/// When to fire. With an instance free and `n` requests queued (`n` < full size):
///
/// 1. Full: `n` reached `fullBatchSize` → fire.
/// 2. Must-fire time `fireBy` = the earlier of
///    - oldest arrival + `maxQueueDelay` (never starve), and
///    - earliest deadline − predicted latency(n + 1): past it, waiting for one more request would
///      make that deadline miss.
///    `now ≥ fireBy` → fire.
/// 3. Adaptive only, once the arrival interval `g` (smoothed gap, see `ArrivalRateEstimator`) is known:
///    - Keeps up: with `k` instances at utilization `u`, batches of `n` sustain one request per
///      `L(n) / (n·k·u)` seconds, `L(n) = a·n + b`. If arrivals are at least that far apart
///      (`max(g, now − last arrival)`), the batch size `n` already serves the load; waiting would
///      add latency without raising useful throughput → fire. Only at a preferred size, and only
///      once the latency model knows something (its never-optimistic `perRequestSeconds`).
///      So after a silence of one per-request service time, the queued batch fires: a closed-loop
///      caller is not held for the whole `maxQueueDelay`.
///    - No arrivals expected: the next arrival is expected at `last + g`; once that has passed,
///      the silence so far is taken as the interval (`now + (now − last)`). If it comes at or
///      after `fireBy`, waiting buys no larger batch → fire. A lone request after a quiet spell
///      fires at once, and in silence no request waits more than half of the remaining window.
///    Under load the interval is short, neither rule holds for small `n`, and batches fill to
///    the full size (or to the size that keeps up).
/// Otherwise the earliest of these times is scheduled as a tick.
extension AdaptiveBatcher {
    mutating func evaluate(now: Instant) -> Action {
        guard let deadline = earliestDeadline, deadline <= now else { return decide(now: now) }
        let expired = removeExpired(now: now)
        stats.expired += expired.count
        let next = decide(now: now)
        return expired.isEmpty ? next : .drop(expired, reason: .deadlineExpired, then: next)
    }

    private mutating func decide(now: Instant) -> Action {
        guard !isShutDown, queuedCount > 0, busyInstances < instances else { return .none }
        let full = fullBatchSize
        let n = min(queuedCount, full)
        if n >= full { return fire(n, .full, now: now) }

        var fireBy = queue[head].enqueuedAt.advanced(by: maxQueueDelay)
        var trigger = FireTrigger.maxQueueDelay
        if let deadline = earliestDeadline {
            let latest = deadline.advanced(by: .zero - latencyModel.predictedLatency(batchSize: min(n + 1, full)))
            if latest < fireBy { fireBy = latest; trigger = .deadline }
        }
        if fireBy <= now { return fire(n, trigger, now: now) }

        if isAdaptive, let (early, why) = adaptiveFireTime(size: n, fireBy: fireBy), early < fireBy {
            if early <= now { return fire(n, why, now: now) }
            fireBy = early
        }
        return schedule(fireBy)
    }

    /// The earliest instant at which an adaptive rule fires `size` requests, and which rule.
    private func adaptiveFireTime(size n: Int, fireBy: Instant) -> (Instant, FireTrigger)? {
        guard arrivals.isKnown, let last = arrivals.lastArrival else { return nil }
        let gap = arrivals.meanGapSeconds
        // No arrivals expected before fireBy.
        let window = last.duration(to: fireBy)
        var best: (Instant, FireTrigger) = if gap >= BatchTime.seconds(window) {
            (last, .noArrivalsExpected)
        } else {
            (max(last.advanced(by: BatchTime.duration(gap)), last.advanced(by: window / 2)), .noArrivalsExpected)
        }
        // The queued size keeps up with the arrival rate (wins ties: the stronger reason).
        if !hasPreferredSizes || configuration.isPreferred(n), let cost = latencyModel.perRequestSeconds(batchSize: n) {
            let perRequest = cost / capacityFactor
            let keepsUp = gap >= perRequest ? last : last.advanced(by: BatchTime.duration(perRequest))
            if keepsUp <= best.0 { best = (keepsUp, .keepsUp) }
        }
        return best
    }

    private mutating func fire(_ n: Int, _ trigger: FireTrigger, now: Instant) -> Action {
        let requests = Array(queue[head..<(head + n)])
        head += n
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= queue.count {
            queue.removeFirst(head)
            head = 0
        }
        if earliestDeadline != nil { recomputeEarliestDeadline() }
        busyInstances += 1
        stats.batches += 1
        stats.batchedRequests += n
        stats.batchesByTrigger[trigger, default: 0] += 1
        let batch = Batch(sequence: nextBatchSequence, requests: requests, trigger: trigger, firedAt: now)
        nextBatchSequence += 1
        return .fire(batch)
    }

    private mutating func schedule(_ at: Instant) -> Action {
        if armedTick == at { return .none }
        armedTick = at
        return .scheduleTick(at: at)
    }

    private mutating func removeExpired(now: Instant) -> [Request] {
        var expired: [Request] = []
        var kept: [Request] = []
        kept.reserveCapacity(queuedCount)
        for request in queue[head...] {
            if let d = request.deadline, d <= now { expired.append(request) } else { kept.append(request) }
        }
        queue = kept
        head = 0
        recomputeEarliestDeadline()
        return expired
    }

    mutating func recomputeEarliestDeadline() {
        earliestDeadline = nil
        for request in queue[head...] {
            if let d = request.deadline, earliestDeadline.map({ d < $0 }) ?? true { earliestDeadline = d }
        }
    }
}
