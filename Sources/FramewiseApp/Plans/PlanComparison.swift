import FramewisePlanner
import FramewiseRuntime
import Foundation

/// `run --plan`'s last lines: the plan checked where it claims to hold. At an offered rate (by
/// default 90% of the plan's), measured throughput should be within 10% of it, per-frame p99
/// within the plan's worst case, and SLO attainment at least 99% (Nexus' criterion).
public enum PlanComparison {
    /// One criterion: what was measured against what the plan says, and whether it holds.
    public struct Check: Equatable, Sendable {
        public var name: String
        public var text: String
        public var holds: Bool
    }

    public static func checks(plan: CapacityPlan, report: RunReport) -> [Check] {
        var out: [Check] = []
        if let offered = report.offeredRate, offered > 0 {
            // Open loop: the rate videos completed at, first to last result (the run's wall time also
            // holds the ramp before the first result), against the rate they arrived at, first to last
            // arrival (a finite Poisson sample is off its nominal rate by about 1/√n).
            let measured = report.completionRate ?? report.videosPerSecond
            let arrived = report.arrivalRate ?? offered
            let ratio = measured / arrived
            let frames = report.videos > 0 ? measured * Double(report.sampledFrames) / Double(report.videos) : 0
            out.append(Check(name: "throughput", text: String(format: "completed %.3f videos/s (%.1f frames/s) as they arrived at %.3f (%.3f offered) = %.0f%%",
                                                              measured, frames, arrived, offered, ratio * 100),
                             holds: abs(ratio - 1) <= 0.10))
        } else if let predicted = plan.predictedCapacity, predicted > 0 {
            let ratio = report.videosPerSecond / predicted
            out.append(Check(name: "throughput", text: String(format: "measured %.3f videos/s with every video submitted at once = %.0f%% of the predicted capacity %.3f",
                                                              report.videosPerSecond, ratio * 100, predicted),
                             holds: abs(ratio - 1) <= 0.10))
        }
        if !report.frameSeconds.isEmpty {
            let p99 = report.frameLatencyPercentile(99)
            out.append(Check(name: "frame p99", text: String(format: "per-frame p99 %.3f s (p50 %.3f s) vs the plan's worst case %.3f s",
                                                             p99, report.frameLatencyPercentile(50), plan.worstCaseLatency),
                             holds: p99 <= plan.worstCaseLatency))
        }
        // The plan's SLO is per frame, from its decoding (as the planner counts): Nexus' criterion.
        if let attainment = report.frameAttainment(within: plan.slo) {
            out.append(Check(name: "SLO attainment", text: String(format: "%.1f%% of frames within the plan's %.3g s from decoding, none dropped",
                                                                  attainment * 100, plan.slo),
                             holds: attainment >= 0.99))
        }
        if let attainment = report.sloAttainment, let slo = report.slo {
            out.append(Check(name: "video SLO", text: String(format: "%.1f%% of videos within %.3g s of arrival with no frame dropped", attainment * 100, slo),
                             holds: attainment >= 0.99))
        }
        return out
    }

    public static func text(plan: CapacityPlan, report: RunReport) -> String {
        let decoding = plan.decode == nil ? "decoding not counted" : plan.decode?.countedInDevices == true ? "decoding included" : "decoding on host cores"
        var lines = [String(format: "plan vs measured: the plan serves %.3f videos/s (%@; predicted capacity %.3f)",
                            plan.rate, decoding, plan.predictedCapacity ?? 0)]
        for check in checks(plan: plan, report: report) {
            lines.append("  \(check.holds ? "holds " : "MISSES") \(check.name): \(check.text)")
        }
        if report.offeredRate == nil {
            lines.append("  (every video was submitted at the start, so frames also wait in queues: the plan's latency holds at its rate; use --rate)")
        }
        return lines.joined(separator: "\n")
    }
}
