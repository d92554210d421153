import FramewisePlanner
import FramewiseRuntime
import Foundation

/// `run --plan`'s last lines: the plan's predicted capacity and worst-case per-frame latency beside
/// the measured throughput and per-frame latency percentiles, so one command compares them.
enum PlanComparison {
    /// The comparison for the plan at `path` (nil when it cannot be read again).
    static func text(planPath path: String, report: RunReport) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)),
              let plan = try? JSONDecoder().decode(CapacityPlan.self, from: data) else { return nil }
        return text(plan: plan, report: report)
    }

    static func text(plan: CapacityPlan, report: RunReport) -> String {
        var lines: [String] = []
        let measured = report.videosPerSecond
        let decoding = plan.decode == nil ? "decoding not counted" : plan.decode?.countedInDevices == true ? "decoding included" : "decoding on host cores"
        if let predicted = plan.predictedCapacity, predicted > 0 {
            lines.append(String(format: "plan vs measured: throughput predicted %.3f videos/s (%@), measured %.3f videos/s = %.0f%% of predicted",
                                predicted, decoding, measured, measured / predicted * 100))
        } else {
            lines.append(String(format: "plan vs measured: throughput measured %.3f videos/s (the plan predicts none)", measured))
        }
        if report.frameSeconds.isEmpty {
            lines.append(String(format: "  per-frame latency: plan worst case %.3f s; not measured by this engine", plan.worstCaseLatency))
        } else {
            let p50 = report.frameLatencyPercentile(50)
            let p99 = report.frameLatencyPercentile(99)
            lines.append(String(format: "  per-frame latency (decoded frame to last stage): plan worst case %.3f s, measured p50 %.3f s, p99 %.3f s"
                                + " (p99 = %.0f%% of worst case)", plan.worstCaseLatency, p50, p99,
                                plan.worstCaseLatency > 0 ? p99 / plan.worstCaseLatency * 100 : 0))
            lines.append("  (every video is submitted at the start: the engine runs at its capacity, so frames also wait in the stage"
                         + " queues; the plan's worst case holds at or below the planned rate)")
        }
        return lines.joined(separator: "\n")
    }
}
