import FramewiseCore
import FramewisePlanner

/// The whole report as one self-contained HTML page: inline CSS, inline SVG charts, thumbnails
/// as data: URIs; no script, no external resource.
public enum ReportPage {
    public static func html(_ input: ReportInput) -> String {
        var body = header(input)
        body += "<main>"
        if !input.videos.isEmpty {
            body += section("time", "Where the time goes", timeSplit(input))
            body += section("batches", "Batch sizes", batches(input))
            body += section("timeline", "Over time", timeline(input))
            body += section("latency", "Latency", latency(input))
        }
        if let plan = input.plan { body += section("plan", "Plan", PlanSection.html(plan)) }
        if let tune = input.tune { body += section("tune", "Tuning", TuneSection.html(tune)) }
        if !input.videos.isEmpty {
            body += section("videos-section", "Videos", VideoRows.html(input.videos, thumbnails: input.thumbnails))
        }
        body += "</main>"
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>\(Markup.escape(input.title))</title><style>\(ReportStyle.css)</style></head><body>\(body)</body></html>\n"
    }

    static func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(Markup.escape(title))</h2>\(content)</section>"
    }

    static func header(_ input: ReportInput) -> String {
        let ok = input.videos.filter(\.ok).count
        let frames = input.videos.reduce(0) { $0 + $1.sampledFrames }
        let latencies = input.videos.filter(\.ok).map(\.latency)
        var tiles: [(String, String)] = [("videos ok", "\(ok)"), ("videos failed", "\(input.videos.count - ok)"), ("frames", "\(frames)")]
        if let span = input.span, span > 0 {
            tiles += [("first arrival to last result", Markup.duration(span)), ("videos/s", Markup.number(Double(ok) / span)),
                      ("frames/s", Markup.number(Double(frames) / span))]
        }
        if !latencies.isEmpty {
            tiles += [("latency p50", Markup.duration(percentile(latencies, 50))), ("latency p99", Markup.duration(percentile(latencies, 99)))]
        }
        if let slo = input.effectiveSLO, !input.videos.isEmpty {
            let within = input.videos.filter { $0.ok && $0.latency <= slo }.count
            tiles.append(("within SLO \(Markup.duration(slo))", Markup.percent(Double(within) / Double(input.videos.count))))
        }
        let tileHTML = tiles.map { "<div class=\"tile\"><div class=\"value\">\(Markup.escape($0.1))</div><div class=\"name\">\(Markup.escape($0.0))</div></div>" }
        return "<header><h1>\(Markup.escape(input.title))</h1>"
            + input.sources.map { "<p class=\"sources\">\(Markup.escape($0))</p>" }.joined()
            + (input.videos.isEmpty ? "" : "<div class=\"tiles\" id=\"tiles\">\(tileHTML.joined())</div>") + "</header>"
    }

    /// Nearest-rank percentile.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
    }

    static func timeSplit(_ input: ReportInput) -> String {
        let split = TimeSplit(videos: input.videos)
        let chart = StackedBarChart.svg(id: "chart-time-split", title: "Seconds per stage, summed over videos", categories: TimeSplit.categories,
                                        bars: split.rows)
        var table = HTMLTable(id: "time-shares", header: [.text("category"), .number("seconds"), .number("share")])
        for (i, c) in TimeSplit.categories.enumerated() {
            table.add([.text(c), .number(Markup.number(split.totals[i])), .number(Markup.percent(split.shares[i]))],
                      attributes: "data-category=\"\(c)\"")
        }
        return "<p class=\"note\">Decode: time on the decode threads. Queue: each frame's wait from being ready for a stage to its batch "
            + "starting, summed over frames (wall time, not work: when many videos arrive at once it is mostly backlog). "
            + "Preprocess, inference, postprocess: each video's share of its batches' time.</p>"
            + "<div class=\"charts\">\(chart)\(table.html)</div>"
    }

    static func batches(_ input: ReportInput) -> String {
        let sizes = BatchSizes(spans: input.spans)
        guard !sizes.stages.isEmpty else {
            var table = HTMLTable(id: "batch-means", header: [.text("stage"), .number("items"), .number("batches"), .number("mean batch")])
            var totals: [String: StageTime] = [:]
            for v in input.videos { for (k, t) in v.stages { totals[k, default: StageTime()].add(t) } }
            for (k, t) in totals.sorted(by: { $0.key < $1.key }) {
                table.add([.text(k), .number("\(t.items)"), .number("\(t.batches)"),
                           .number(t.batches > 0 ? Markup.number(Double(t.items) / Double(t.batches)) : "-")])
            }
            return "<p class=\"note\">No trace given (run with --trace): batch counts per video only; a batch mixing videos counts once for each.</p>"
                + table.html
        }
        let charts = sizes.stages.map { s -> String in
            let planned = input.plan?.rows.first { $0.stage == s.stage }?.batchSize
            return HistogramChart.svg(id: "chart-batch-\(s.stage)", title: "\(s.stage) (\(s.model))", bins: s.bins, marker: planned,
                                      markerLabel: planned.map { "plan: \($0)" }, xLabel: "batch size", yLabel: "batches")
        }
        return "<div class=\"charts\">\(charts.joined())</div>"
    }

    static func timeline(_ input: ReportInput) -> String {
        guard let origin = input.origin else { return "<p class=\"note\">The results carry no times (sequential engine or an older run).</p>" }
        let length = max(input.span ?? 0, input.spans.map { Double($0.endUnixNano) / 1e9 - origin }.max() ?? 0)
        let bucket = Timeline.bucket(for: length)
        var series = Timeline.stageThroughput(spans: input.spans, origin: origin, bucket: bucket)
        if series.isEmpty { series = [Timeline.videoThroughput(videos: input.videos, origin: origin, bucket: bucket)] }
        let throughput = LineChart.svg(id: "chart-throughput", title: "Throughput (\(Markup.duration(bucket)) buckets)", series: series,
                                       xLabel: "seconds since the first arrival", yLabel: series.first?.name == "videos/s" ? "videos/s" : "frames/s",
                                       step: true)
        let inFlight = LineChart.svg(id: "chart-in-flight", title: "Videos in flight", series: Timeline.inFlight(videos: input.videos, origin: origin),
                                     xLabel: "seconds since the first arrival", yLabel: "videos", step: true)
        return "<div class=\"charts\">\(throughput)\(inFlight)</div>"
    }

    static func latency(_ input: ReportInput) -> String {
        let perVideo = input.videos.filter(\.ok).map(\.latency)
        let slo = input.effectiveSLO
        let video = LineChart.svg(id: "chart-latency-video", title: "Per video: arrival to result (CDF)",
                                  series: [ChartSeries(name: "videos", points: Timeline.cdf(perVideo))], xLabel: "seconds", yLabel: "share",
                                  step: true, yMax: 1, marker: slo.map { ChartMarker(x: $0, label: "SLO \(Markup.duration($0))") })
        let frames = input.videos.flatMap(\.frameLatencies)
        guard !frames.isEmpty else { return "<div class=\"charts\">\(video)</div><p class=\"note\">No per-frame latencies in the results.</p>" }
        let frameSLO = input.plan.map { ChartMarker(x: $0.slo, label: "plan SLO \(Markup.duration($0.slo))") }
        let frame = LineChart.svg(id: "chart-latency-frame", title: "Per frame: decoded to last stage (CDF)",
                                  series: [ChartSeries(name: "frames", points: Timeline.cdf(frames))], xLabel: "seconds", yLabel: "share",
                                  step: true, yMax: 1, marker: frameSLO)
        return "<div class=\"charts\">\(video)\(frame)</div>"
    }
}
