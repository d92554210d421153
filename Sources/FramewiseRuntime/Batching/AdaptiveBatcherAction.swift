extension AdaptiveBatcher {
    /// What the caller of an event must do next.
    public enum Action {
        /// Nothing.
        case none
        /// Run this batch on a free instance now, then report `batchCompleted` or `batchFailed`.
        case fire(Batch<Payload, Instant>)
        /// Call `tick(now:)` at (or soon after) this instant. The caller keeps one timer: it may
        /// keep an earlier pending one instead (the batcher asks again on that tick), but must
        /// not let this time pass without a tick.
        case scheduleTick(at: Instant)
        /// Fail these requests with `reason`, then carry out `then`.
        indirect case drop([BatchRequest<Payload, Instant>], reason: DropReason, then: Action)
    }
}

extension AdaptiveBatcher.Action: Sendable where Payload: Sendable {}
