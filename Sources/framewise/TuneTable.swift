import Foundation
import FramewiseOptimize
import FramewisePlanner

/// The text report of `framewise tune`.
enum TuneTable {
    static func text(_ r: TuneReport) -> String {
        func f(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "-" }
        var lines: [String] = []
        lines.append("search videos: \(r.searchVideos.count), held out: \(r.heldOutVideos.count) (seed \(r.seed)); target \(f(r.target.latency * 1000, "%.0f")) ms per frame, agreement >= \(r.target.minAgreement)")
        lines.append("stage        choice                 batch  slack ms  latency ms  agreement  core-s/video")
        for c in r.tuned.stages {
            lines.append(c.stage.padded(12) + " " + c.label.padded(22) + " " + String(c.batch).padded(6) + " " + f(c.slack * 1000, "%8.1f")
                         + "  " + f(c.latency * 1000, "%10.1f") + "  " + f(c.agreement, "%9.3f") + "  " + f(c.costPerVideo, "%12.4f")
                         + (c.meetsSlack ? "" : "  (slack missed)"))
        }
        lines.append("sampling: \(r.tuned.sampling) (reference \(r.reference.sampling)), summaries agree \(f(r.tuned.samplingAgreement, "%.3f")) on the search videos")
        lines.append("")
        lines.append("              predicted (search videos)   on the held-out videos: predicted, measured")
        lines.append("config       core-s/video  latency ms    core-s/video  measured  videos/s  frame p50/p99 ms   summaries  outputs  $/1000")
        // The pipeline's last stages (what it outputs); every stage's own agreement is in --json.
        let fed = Set(r.stages.flatMap(\.inputs))
        for (name, p, m) in [("reference", r.reference, r.measuredReference), ("tuned", r.tuned, r.measuredTuned)] {
            let outputs = m.stageAgreement.filter { !fed.contains($0.key) }.values.min()
            lines.append(name.padded(12) + " " + f(p.costPerVideo, "%12.4f") + "  " + f(p.latency * 1000, "%10.1f") + "    "
                         + f(m.predictedCostPerVideo, "%12.4f") + "  " + f(m.costPerVideo, "%8.4f") + "  " + f(m.videosPerSecond, "%8.3f") + "  "
                         + (f(m.frameLatencyP50.map { $0 * 1000 }, "%.0f") + "/" + f(m.frameLatencyP99.map { $0 * 1000 }, "%.0f")).padded(17)
                         + "  " + f(m.summaryAgreement, "%9.3f") + "  " + f(outputs, "%7.3f") + "  " + f(m.dollarsPer1000Videos ?? p.dollarsPer1000Videos, "%.4f"))
        }
        if r.measuredTuned.costPerVideo > 0 {
            lines.append(String(format: "on the held-out videos the predicted tuned cost is %+.0f%% off the measured; tuned is %.2fx the reference's videos/s (all held-out videos submitted at once)",
                                (r.measuredTuned.predictedCostPerVideo / r.measuredTuned.costPerVideo - 1) * 100,
                                r.measuredReference.videosPerSecond > 0 ? r.measuredTuned.videosPerSecond / r.measuredReference.videosPerSecond : 0))
        }
        for (name, m) in [("reference", r.measuredReference), ("tuned", r.measuredTuned)] {
            guard let predicted = m.predictedVideoLatency, let p50 = m.videoLatencyP50, let p99 = m.videoLatencyP99 else { continue }
            lines.append(String(format: "%@ per video, one held-out video alone: predicted %.2f s, measured p50 %.2f s, p99 %.2f s",
                                name, predicted, p50, p99))
        }
        for fallback in r.fallbacks { lines.append("fell back: \(fallback)") }
        for note in r.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
