import FramewiseCore

/// Which latency statistic of a profile the planner plans with.
public enum LatencyStatistic: String, Sendable, Codable, CaseIterable {
    /// Mean batch latency: average-case plans.
    case mean
    /// 99th-percentile batch latency: worst-case plans (the default).
    case p99
}

extension BatchProfile {
    /// The latency for `statistic`.
    public func latency(_ statistic: LatencyStatistic) -> Double {
        switch statistic {
        case .mean: latencyMean
        case .p99: latencyP99
        }
    }
}
