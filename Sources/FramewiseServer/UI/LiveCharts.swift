import Foundation
import FramewiseCore

/// The charts of `/ui` as inline SVG, made from `RecentActivity`: throughput and videos in flight
/// over time, the per-video latency CDF, where time went per stage and the mean batch per stage.
enum LiveCharts {
    static let width = 560.0
    static let height = 160.0

    /// Videos finished per `bucket` seconds over the window (oldest left).
    static func throughput(_ finished: [RecentActivity.Finished], now: Date, window: TimeInterval, bucket: TimeInterval = 10) -> String {
        let count = max(1, Int((window / bucket).rounded(.up)))
        var bins = [Int](repeating: 0, count: count)
        for f in finished {
            let age = now.timeIntervalSince(f.at)
            let i = count - 1 - Int(age / bucket)
            if i >= 0 && i < count { bins[i] += 1 }
        }
        let top = Double(max(1, bins.max() ?? 1))
        let w = width / Double(count)
        var bars = ""
        for (i, n) in bins.enumerated() where n > 0 {
            let h = Double(n) / top * (height - 20)
            bars += rect(x: Double(i) * w + 1, y: height - h, w: max(1, w - 2), h: h, cls: "bar", title: "\(n) videos")
        }
        let rate = Double(bins.suffix(6).reduce(0, +)) / (6 * bucket)
        return svg(id: "chart-throughput", title: String(format: "Videos finished per %.0f s (last minute: %.2f videos/s)", bucket, rate),
                   body: axis() + bars + label(x: 4, y: 12, "\(Int(top))"))
    }

    /// Videos in the engines (line) and waiting in the store (dashed) over the window.
    static func inFlight(_ samples: [RecentActivity.Sample], now: Date, window: TimeInterval) -> String {
        let top = Double(max(1, samples.map { max($0.inFlight, $0.queued) }.max() ?? 1))
        func points(_ value: (RecentActivity.Sample) -> Int) -> String {
            samples.map { s in
                let x = width - now.timeIntervalSince(s.at) / window * width
                let y = height - Double(value(s)) / top * (height - 20)
                return String(format: "%.1f,%.1f", x, y)
            }.joined(separator: " ")
        }
        let last = samples.last
        return svg(id: "chart-inflight", title: "In flight \(last?.inFlight ?? 0), queued \(last?.queued ?? 0)",
                   body: axis() + "<polyline class=\"line\" points=\"\(points(\.inFlight))\"/>"
                       + "<polyline class=\"line dashed\" points=\"\(points(\.queued))\"/>" + label(x: 4, y: 12, "\(Int(top))"))
    }

    /// The CDF of per-video latency, with the `slo` line when given.
    static func latencyCDF(_ finished: [RecentActivity.Finished], slo: Double?) -> String {
        let sorted = finished.map(\.latency).sorted()
        guard let maxLatency = sorted.last, maxLatency > 0 else {
            return svg(id: "chart-latency", title: "Per-video latency: no video finished yet", body: axis())
        }
        let xMax = max(maxLatency, slo ?? 0) * 1.05
        var points = ""
        for (i, v) in sorted.enumerated() {
            points += String(format: "%.1f,%.1f ", v / xMax * width, height - Double(i + 1) / Double(sorted.count) * (height - 20))
        }
        var body = axis() + "<polyline class=\"line\" points=\"\(points)\"/>"
        if let slo {
            let x = slo / xMax * width
            body += String(format: "<line class=\"slo\" x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.0f\"/>", x, x, height) + label(x: x + 3, y: 12, "SLO")
        }
        let p50 = sorted[sorted.count / 2], p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        return svg(id: "chart-latency", title: String(format: "Per-video latency CDF: p50 %.2f s, p99 %.2f s (%d videos)", p50, p99, sorted.count),
                   body: body + label(x: width - 60, y: height - 4, String(format: "%.2f s", xMax)))
    }

    /// Seconds spent per part (decode, queue, preprocess, inference, postprocess), summed over the
    /// window's videos, as one stacked bar with each share.
    static func timeSplit(_ finished: [RecentActivity.Finished]) -> String {
        var parts: [(String, Double)] = [("decode", finished.reduce(0) { $0 + $1.decodeSeconds })]
        var queue = 0.0, pre = 0.0, inference = 0.0, post = 0.0
        for f in finished {
            for t in f.stages.values {
                queue += t.queueWaitSeconds
                pre += t.preprocessSeconds
                inference += t.inferenceSeconds
                post += t.postprocessSeconds
            }
        }
        parts += [("queue", queue), ("preprocess", pre), ("inference", inference), ("postprocess", post)]
        let total = parts.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return svg(id: "chart-split", title: "Where time goes: nothing measured yet", body: "") }
        var x = 0.0
        var body = ""
        var legend = ""
        for (i, (name, seconds)) in parts.enumerated() {
            let w = seconds / total * width
            body += rect(x: x, y: 30, w: w, h: 50, cls: "part p\(i)", title: String(format: "%@ %.2f s (%.0f%%)", name, seconds, seconds / total * 100))
            legend += rect(x: Double(i) * 110, y: 100, w: 10, h: 10, cls: "part p\(i)", title: name)
                + label(x: Double(i) * 110 + 14, y: 110, String(format: "%@ %.0f%%", name, seconds / total * 100))
            x += w
        }
        return svg(id: "chart-split", title: "Where time goes (queue: summed per frame)", body: body + legend)
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
        let names = items.keys.sorted()
        let means = names.map { Double(items[$0] ?? 0) / Double(max(1, batches[$0] ?? 0)) }
        let top = max(1, means.max() ?? 1)
        var body = axis()
        let w = width / Double(max(1, names.count))
        for (i, (name, mean)) in zip(names, means).enumerated() {
            let h = mean / top * (height - 40)
            body += rect(x: Double(i) * w + 8, y: height - 20 - h, w: max(1, w - 16), h: h, cls: "bar", title: String(format: "%@: %.2f", name, mean))
                + label(x: Double(i) * w + 8, y: height - 6, String(format: "%@ %.1f", name, mean))
        }
        return svg(id: "chart-batches", title: "Mean batch size per stage", body: body)
    }

    // MARK: SVG pieces

    static func svg(id: String, title: String, body: String) -> String {
        "<figure class=\"chart\"><figcaption>\(escape(title))</figcaption>"
            + String(format: "<svg id=\"%@\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\">", id, width, height, width, height)
            + body + "</svg></figure>"
    }

    static func rect(x: Double, y: Double, w: Double, h: Double, cls: String, title: String) -> String {
        String(format: "<rect class=\"%@\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%@</title></rect>", cls, x, y, w, h, escape(title))
    }

    static func label(x: Double, y: Double, _ text: String) -> String {
        String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", x, y, escape(text))
    }

    static func axis() -> String {
        String(format: "<line class=\"axis\" x1=\"0\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>", height - 0.5, width, height - 0.5)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
