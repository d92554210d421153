/// Places model sessions on devices with Nexus' squishy bin packing (SOSP'19, section 6.1).
///
/// For each session: the *saturate* step gives whole devices at the largest batch `b` with
/// `l(b) <= (SLO - pre - post) / 2`, each serving `b / l(b)` req/s; the *residual* step serves the
/// rest of the rate `r` at the largest `b` with `(b - 1) / r + l(b) + pre + post <= SLO`, in a duty
/// cycle `d = min(SLO - l(b) - pre - post, b / r)`. Residual sessions are then *merged* onto
/// shared devices (best fit, most occupied first): the merged duty cycle is `D' = min(D, d)`, each
/// session runs `ceil(D' * r_i)` per cycle, and the merge fits iff the batch latencies sum to at
/// most `D'`, each batch is within its profile (and memory) and each session still meets its SLO.
/// Finally the least occupied shared devices are *consolidated* into the others where they fit.
///
/// Worst-case latency of a request is `duty cycle + l(b) + pre + post`, which never exceeds the
/// SLO by construction; a session is never split over more devices than it would use alone.
public struct SquishyBinPacker: Sendable {
    /// Packing knobs, with defaults for worst-case planning.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Latency statistic to plan with (default p99).
        public var statistic: LatencyStatistic
        /// Device memory; batches and co-located sessions must fit (nil: unlimited).
        public var deviceMemoryBytes: Int?
        /// Passes of the consolidation step (0 turns it off).
        public var consolidationPasses: Int

        public init(statistic: LatencyStatistic = .p99, deviceMemoryBytes: Int? = nil, consolidationPasses: Int = 2) {
            self.statistic = statistic
            self.deviceMemoryBytes = deviceMemoryBytes
            self.consolidationPasses = consolidationPasses
        }
    }

    /// The packing knobs.
    public var configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Packs `sessions` onto as few devices as the heuristic finds.
    public func pack(_ sessions: [SessionRequirement]) throws(PlannerError) -> PackingResult {
        var ids = Set<String>()
        for session in sessions where !ids.insert(session.id).inserted {
            throw .invalidArgument("session id '\(session.id)' appears twice")
        }
        var splits: [SessionSplit] = []
        splits.reserveCapacity(sessions.count)
        for session in sessions {
            let table = try LatencyTable(
                profile: session.profile, statistic: configuration.statistic,
                memoryLimit: configuration.deviceMemoryBytes)
            splits.append(try SessionSplit(session: session, table: table))
        }
        var loads: [ResidualLoad] = []
        for (index, split) in splits.enumerated() {
            guard var load = split.residual else { continue }
            load.session = index
            loads.append(load)
        }
        var state = MergeState(loads: loads, memoryLimit: configuration.deviceMemoryBytes)
        state.mergeAll()
        state.consolidate(passes: configuration.consolidationPasses)
        return PackingResult(sessions: sessions, splits: splits, state: state)
    }
}

/// The outcome of packing: the devices and how each session is served.
public struct PackingResult: Sendable, Codable, Equatable {
    /// Devices in order: saturated ones first, then shared ones.
    public var allocations: [GPUAllocation]
    /// One plan per requirement, in input order.
    public var sessions: [SessionPlan]

    /// Number of devices used.
    public var gpuCount: Int { allocations.count }
}
