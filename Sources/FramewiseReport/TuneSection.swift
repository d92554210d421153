import FramewiseOptimize
import FramewisePlanner

/// A tuning (`framewise tune --json`) as tables in the report's style: each stage's choice with its
/// slack, latency, agreement and cost, then the reference and tuned configurations predicted and
/// measured on the held-out videos, and what verification fell back from.
public enum TuneSection {
    public static func html(_ r: TuneReport) -> String {
        var stages = HTMLTable(id: "tune-stages", header: [.text("stage"), .text("reference"), .text("tuned"), .number("batch"), .number("slack"),
                                                           .number("latency"), .number("agreement"), .number("core-s/video")])
        for choice in r.tuned.stages {
            let reference = r.reference.stages.first { $0.stage == choice.stage }
            stages.add([.text(choice.stage), .text(reference?.label ?? "-"), .text(choice.label), .number(String(choice.batch)),
                        .number(Markup.duration(choice.slack)), .number(Markup.duration(choice.latency)),
                        .number(String(format: "%.3f", choice.agreement)), .number(String(format: "%.4f", choice.costPerVideo))],
                       attributes: "class=\"tune-stage\"" + (choice.meetsSlack ? "" : " data-missed=\"slack\""))
        }
        var configurations = HTMLTable(id: "tune-configurations", header: [
            .text("configuration"), .text("sampling"), .number("predicted core-s/video"), .number("predicted latency"),
            .number("measured core-s/video"), .number("predicted on held-out"), .number("videos/s"), .number("frame p99"),
            .number("video alone, predicted"), .number("video alone, measured p50 / p99"),
            .number("summaries agree"), .number("$ / 1000 videos")])
        for (name, plan, measured) in [("reference", r.reference, r.measuredReference), ("tuned", r.tuned, r.measuredTuned)] {
            let dollars = measured.dollarsPer1000Videos ?? plan.dollarsPer1000Videos
            configurations.add([.text(name), .text(plan.sampling), .number(String(format: "%.4f", plan.costPerVideo)), .number(Markup.duration(plan.latency)),
                                .number(String(format: "%.4f", measured.costPerVideo)), .number(String(format: "%.4f", measured.predictedCostPerVideo)),
                                .number(Markup.number(measured.videosPerSecond)), .number(measured.frameLatencyP99.map(Markup.duration) ?? "-"),
                                .number(measured.predictedVideoLatency.map(Markup.duration) ?? "-"),
                                .number(measured.videoLatencyP50.map { Markup.duration($0) + " / " + (measured.videoLatencyP99.map(Markup.duration) ?? "-") } ?? "-"),
                                .number(String(format: "%.3f", measured.summaryAgreement)), .number(dollars.map { String(format: "%.4f", $0) } ?? "-")],
                               attributes: "class=\"tune-configuration\" data-configuration=\"\(name)\"")
        }
        var lines = ["Tuned \(r.pipeline) for \(Markup.duration(r.target.latency)) per frame at agreement >= \(r.target.minAgreement) "
                     + "(seed \(r.seed)): searched on \(r.searchVideos.count) videos, measured on \(r.heldOutVideos.count) held out."]
        if r.measuredReference.videosPerSecond > 0, r.measuredTuned.costPerVideo > 0 {
            lines.append(String(format: "On the held-out videos the tuned configuration ran %.2fx the reference's videos/s; its predicted cost is %+.0f%% off the measured.",
                                r.measuredTuned.videosPerSecond / r.measuredReference.videosPerSecond,
                                (r.measuredTuned.predictedCostPerVideo / r.measuredTuned.costPerVideo - 1) * 100))
        }
        lines += r.fallbacks.map { "Fell back: \($0)" } + r.notes
        return lines.map { "<p class=\"note\">\(Markup.escape($0))</p>" }.joined() + stages.html + configurations.html
    }
}
