import Foundation
import FramewisePlanner
import FramewiseRuntime

/// The readable form of a plan.
public enum PlanTable {
    public static func text(_ plan: CapacityPlan, pipeline: String, rates: StageRates, videoRate: Double) -> String {
        let unit = plan.device.kind == .gpu ? "GPUs" : "workers"
        var lines = ["plan for \(pipeline): " + String(format: "%.4g videos/s (%.0f/day, %.1f frames/s), SLO %.3g s", videoRate, videoRate * 86_400,
                                                      videoRate * rates.framesPerVideo, plan.slo)
                     + ", device \(plan.device.name) (\(plan.device.kind.rawValue))"]
        lines += rates.notes.map { "  note: \($0)" }
        let header = ["stage", "model", "items/s", "budget s", "batch", "inst", unit, "duty ms", "capacity/s", "worst ms"]
        let widths = [12, 12, 9, 9, 6, 5, 8, 9, 11, 10]
        func row(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { i, cw in
                let (cell, width) = cw
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                return i < 2 ? cell + pad : pad + cell
            }.joined(separator: " ")
        }
        lines.append(row(header))
        for r in plan.rows {
            lines.append(row([r.stage, String(r.model.prefix(12)), String(format: "%.2f", r.rate), String(format: "%.3f", r.latencyBudget),
                              String(r.batchSize), String(r.instances), String(format: "%.2f", r.devices),
                              String(format: "%.1f", r.dutyCycle * 1000), String(format: "%.2f", r.predictedThroughput),
                              String(format: "%.1f", r.worstCaseLatency * 1000)]))
        }
        lines.append("\(unit): \(plan.deviceCount) " + String(format: "(lower bound %.2f, gap %.2f = %.0f%%); worst-case latency %.3f s of %.3g s",
                                                            plan.lowerBound, plan.gapToLowerBound, plan.relativeGapToLowerBound * 100,
                                                            plan.worstCaseLatency, plan.slo))
        if let burst = plan.burst, let stage = burst.stage {
            lines.append(String(format: "  of which %.3f s: a video's %.1f requests reach '%@' together (decoded over %.3f s) and drain at its capacity",
                                burst.latency, burst.requests, stage, burst.decodeSeconds)
                         + (burst.headroom > 1 ? String(format: "; models planned for %.2fx the rate so that it fits the SLO", burst.headroom) : ""))
        }
        if let d = plan.decode {
            let share = d.shares.map { String(format: "%@ %d %.2f", unit == "GPUs" ? "core" : "worker", $0.worker, $0.cores) }.joined(separator: ", ")
            lines.append(String(format: "decode: %.3f s CPU per video (%.1f ms per frame) x %.4g videos/s = %.2f cores", d.secondsPerVideo,
                                d.secondsPerFrame * 1000, d.rate, d.cores)
                         + (d.countedInDevices ? "; on \(share.isEmpty ? "no worker" : share)"
                            + (d.dedicatedWorkers > 0 ? " (\(d.dedicatedWorkers) decode-only)" : "") + String(format: "; capacity %.3f videos/s", d.capacity)
                            : "; CPU cores needed beside the GPUs: \(d.dedicatedWorkers)"))
        }
        if let capacity = plan.predictedCapacity ?? predictedVideosPerSecond(plan, rates: rates) {
            lines.append(String(format: "predicted capacity: %.3f videos/s (%.0f/day, %.1f frames/s)", capacity, capacity * 86_400, capacity * rates.framesPerVideo)
                         + (plan.decode?.countedInDevices == true ? ", decoding included" : ""))
        }
        for device in plan.allocations {
            let sessions = device.sessions.map { "\($0.sessionID) b\($0.batchSize) (" + String(format: "%.1f ms)", $0.batchLatency * 1000) }
            lines.append("  \(unit == "GPUs" ? "GPU" : "worker") \(device.index): " + String(format: "duty cycle %.1f ms, ", device.dutyCycle * 1000)
                         + sessions.joined(separator: " + ") + (device.isSaturated ? " (saturated)" : ""))
        }
        // Workers that run no model (on CPU, decoding needs them): listed so every counted worker shows.
        let listed = Set(plan.allocations.map(\.index))
        for index in 0..<plan.deviceCount where !listed.contains(index) && plan.device.kind == .cpu {
            let share = plan.decode?.shares.first { $0.worker == index }.map { String(format: " (%.2f of its core)", $0.cores) } ?? ""
            lines.append("  worker \(index): decode only\(share)")
        }
        return lines.joined(separator: "\n")
    }

    /// Videos per second the plan's slowest stage can serve (nil when no stage has work).
    public static func predictedVideosPerSecond(_ plan: CapacityPlan, rates: StageRates) -> Double? {
        let perVideo = Dictionary(rates.stages.map { ($0.name, $0.perVideo) }, uniquingKeysWith: { a, _ in a })
        return plan.rows.compactMap { r in
            guard let n = perVideo[r.stage], n > 0 else { return nil }
            return r.predictedThroughput / n
        }.min()
    }
}
