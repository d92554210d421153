import FramewiseCore

/// Why a distributed run decided that the broker lost its job's state.
public enum BrokerLoss: Sendable, Equatable, CustomStringConvertible {
    /// The store's token changed or vanished: Redis holds other data than when the job started
    /// (it restarted without persistence, was flushed, or failed over to an empty replica).
    case storeReplaced
    /// The job's marker is gone or names another epoch, while the store's token is intact.
    case jobGone
    /// Redis evicted this many keys since the run last looked (any of them may have been the job's).
    case keysEvicted(Int)
    /// A video announced as finished had lost part of its stored state.
    case videoIncomplete(video: Int)

    public var description: String {
        switch self {
        case .storeReplaced: "Redis came back empty or with other data"
        case .jobGone: "the job's keys are gone"
        case let .keysEvicted(n): "Redis evicted \(n) key\(n == 1 ? "" : "s")"
        case let .videoIncomplete(video): "the stored state of video \(video) is incomplete"
        }
    }

    /// The likely causes, for messages.
    public static let likelyCauses = "Redis restarted without persistence (appendonly no), FLUSHALL, eviction (maxmemory-policy) or failover"
}

/// What a distributed run does when the broker lost its job's state.
public enum BrokerLossPolicy: String, Sendable, CaseIterable {
    /// Submit the unfinished videos again under the job's next epoch (the default).
    case resubmit
    /// Stop with `ClusterError.brokerStateLost`.
    case fail
}

/// A run started its job over after the broker lost its state.
public struct BrokerRecovery: Sendable, Equatable, CustomStringConvertible {
    public var job: String
    public var loss: BrokerLoss
    /// The job's epoch from now on.
    public var epoch: Int
    /// Videos submitted again (those whose result was not written yet).
    public var resubmitted: Int
    public var total: Int

    public var description: String {
        "job \(job): the broker lost the job's state (\(loss); likely \(BrokerLoss.likelyCauses)): "
            + "re-submitted \(resubmitted) unfinished of \(total) videos as epoch \(epoch)"
    }
}

/// Tells from successive looks at the store (`JobStore.check`) whether a run's job state was
/// lost. Pure: feed it checks, read the verdict.
struct BrokerLossDetector: Sendable, Equatable {
    /// The store's token when the job (epoch) started.
    var storeEpoch: String
    /// The job's current epoch.
    var jobEpoch: Int
    /// Evicted keys at the last look (nil: unknown yet, or the store cannot tell).
    var evictedKeys: Int?

    /// The loss `check` shows, if any. Eviction counts from the first look on.
    mutating func observe(_ check: JobStoreCheck) -> BrokerLoss? {
        if check.storeEpoch != storeEpoch { return .storeReplaced }
        if check.jobEpoch != jobEpoch { return .jobGone }
        defer { evictedKeys = check.evictedKeys ?? evictedKeys }
        if let now = check.evictedKeys, let before = evictedKeys, now > before { return .keysEvicted(now - before) }
        return nil
    }
}
