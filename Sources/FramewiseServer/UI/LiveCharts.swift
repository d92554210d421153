import Foundation
import FramewiseCore
import FramewiseReport

/// The charts of `/ui`, drawn by the report's chart builders (`LineChart`, `StackedBarChart`)
/// from `RecentActivity`, so the live page and `framewise report` look alike: throughput and
/// videos in flight over the window, the per-video latency CDF with the SLO line, where time went
/// and the mean batch per stage.
enum LiveCharts {
    /// Videos finished per `bucket` seconds over the window, against seconds before now.
    static func throughput(_ finished: [RecentActivity.Finished], now: Date, window: TimeInterval, bucket: TimeInterval = 10) -> String {
        let count = max(1, Int((window / bucket).rounded(.up)))
        var bins = [Int](repeating: 0, count: count)
        for f in finished {
            let i = count - 1 - Int(now.timeIntervalSince(f.at) / bucket)
            if i >= 0 && i < count { bins[i] += 1 }
        }
        let points = bins.enumerated().map { ChartPoint(x: Double($0.offset) * bucket, y: Double($0.element)) }
            + [ChartPoint(x: window, y: Double(bins.last ?? 0))]
        let rate = Double(bins.suffix(Int((60 / bucket).rounded())).reduce(0, +)) / 60
        return figure(LineChart.svg(id: "chart-throughput", title: String(format: "Videos finished per %.0f s (last minute: %.2f videos/s)", bucket, rate),
                                    series: [ChartSeries(name: "finished", points: points)], xLabel: "seconds before now", yLabel: "videos",
                                    step: true, yMax: Double(max(1, bins.max() ?? 1)), xRange: 0...window, xFormat: { seconds($0 - window) }))
    }

    /// Videos in the engines and waiting in the store over the window.
    static func inFlight(_ samples: [RecentActivity.Sample], now: Date, window: TimeInterval) -> String {
        func series(_ name: String, _ value: (RecentActivity.Sample) -> Int) -> ChartSeries {
            ChartSeries(name: name, points: samples.map { ChartPoint(x: window - now.timeIntervalSince($0.at), y: Double(value($0))) })
        }
        let last = samples.last
        let top = Double(max(1, samples.map { max($0.inFlight, $0.queued) }.max() ?? 1))
        return figure(LineChart.svg(id: "chart-inflight", title: "In flight \(last?.inFlight ?? 0), queued \(last?.queued ?? 0)",
                                    series: [series("in flight", \.inFlight), series("queued", \.queued)], xLabel: "seconds before now",
                                    yLabel: "videos", step: true, yMax: top, xRange: 0...window, xFormat: { seconds($0 - window) }))
    }

    /// The CDF of per-video latency, with the `slo` line when given.
    static func latencyCDF(_ finished: [RecentActivity.Finished], slo: Double?) -> String {
        let sorted = finished.map(\.latency).sorted()
        let title: String
        if sorted.isEmpty {
            title = "Per-video latency: no video finished yet"
        } else {
            let p50 = sorted[sorted.count / 2], p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
            title = String(format: "Per-video latency CDF: p50 %.2f s, p99 %.2f s (%d videos)", p50, p99, sorted.count)
        }
        return figure(LineChart.svg(id: "chart-latency", title: title, series: [ChartSeries(name: "videos", points: Timeline.cdf(sorted))],
                                    xLabel: "seconds from acceptance to result", yLabel: "share of videos", yMax: 1,
                                    marker: slo.map { ChartMarker(x: $0, label: "SLO \(Markup.duration($0))") }))
    }

    /// Seconds spent per part, summed over the window's videos: decoding, then each stage's queue
    /// wait, preprocessing, inference and postprocessing, as the report's stacked bars.
    static func timeSplit(_ finished: [RecentActivity.Finished]) -> String {
        var stages: [String: [Double]] = [:]
        for f in finished {
            for (name, t) in f.stages {
                let parts = [0, t.queueWaitSeconds, t.preprocessSeconds, t.inferenceSeconds, t.postprocessSeconds]
                stages[name] = zip(stages[name] ?? [0, 0, 0, 0, 0], parts).map(+)
            }
        }
        let decode = finished.reduce(0) { $0 + $1.decodeSeconds }
        var bars = [StackedBar(label: "decode", values: [decode, 0, 0, 0, 0])]
        bars += stages.keys.sorted().map { StackedBar(label: $0, values: stages[$0] ?? []) }
        let measured = decode > 0 || stages.values.contains { $0.contains { $0 > 0 } }
        let title = measured ? "Where time goes (queue: summed per frame)" : "Where time goes: nothing measured yet"
        return figure(StackedBarChart.svg(id: "chart-split", title: title, categories: ["decode", "queue", "preprocess", "inference", "postprocess"],
                                          bars: measured ? bars : []), caption: title)
    }

    /// Mean items per batch of each stage over the window.
    static func batchSizes(_ finished: [RecentActivity.Finished]) -> String {
        var items: [String: Int] = [:], batches: [String: Int] = [:]
        for f in finished {
            for (name, t) in f.stages {
                items[name, default: 0] += t.items
                batches[name, default: 0] += t.batches
            }
        }
        let bars = items.keys.sorted().map { name in
            let mean = Double(items[name] ?? 0) / Double(max(1, batches[name] ?? 0))
            return StackedBar(label: String(format: "%@ %.1f", name, mean), values: [mean])
        }
        return figure(StackedBarChart.svg(id: "chart-batches", title: "Mean batch size per stage", categories: ["items per batch"], bars: bars,
                                          format: { String(format: "%.1f", $0) }), caption: "Mean batch size per stage")
    }

    /// A chart in the page's grid, with a visible caption for charts that draw no title of their own.
    static func figure(_ svg: String, caption: String? = nil) -> String {
        "<figure class=\"chart\">" + (caption.map { "<figcaption>\(Markup.escape($0))</figcaption>" } ?? "") + svg + "</figure>"
    }

    /// "-120 s" style ticks for an axis of seconds before now.
    static func seconds(_ value: Double) -> String { abs(value) < 0.5 ? "now" : String(format: "%.0f s", value) }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
