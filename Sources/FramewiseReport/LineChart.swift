/// A point of a line chart.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named line of a chart.
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var points: [ChartPoint]
    public init(name: String, points: [ChartPoint]) {
        self.name = name
        self.points = points
    }
}

/// A vertical line across a chart at `x` (e.g. the SLO on a latency CDF).
public struct ChartMarker: Sendable, Equatable {
    public var x: Double
    public var label: String
    public init(x: Double, label: String) {
        self.x = x
        self.label = label
    }
}

/// Lines (or steps) over a shared x axis with a legend; each series is a `<path class="series"
/// data-series=...>`, a marker a dashed `<line class="marker">`.
public enum LineChart {
    /// `xRange`: the x axis' extent whatever the points cover (e.g. a fixed time window).
    public static func svg(id: String, title: String, series: [ChartSeries], xLabel: String, yLabel: String, step: Bool = false,
                           yMax: Double? = nil, marker: ChartMarker? = nil, xRange: ClosedRange<Double>? = nil,
                           xFormat: (Double) -> String = Markup.number) -> String {
        let width = 560.0, height = 270.0, left = 52.0, right = width - 14, top = 50.0, bottom = height - 42
        let xs = series.flatMap { $0.points.map(\.x) } + (marker.map { [$0.x] } ?? [])
        let ys = series.flatMap { $0.points.map(\.y) }
        let xAxis = xRange.map { AxisScale(lower: $0.lowerBound, upper: max($0.upperBound, $0.lowerBound + 1e-9)) }
            ?? AxisScale(lower: min(0, xs.min() ?? 0), upper: max(xs.max() ?? 1, 1e-9))
        let yAxis = AxisScale(upper: yMax ?? max(ys.max() ?? 1, 1e-9), count: 4)
        var w = SVGWriter()
        w.text(title, x: left, y: 14, size: 12)
        var lx = left
        for (i, s) in series.enumerated() {
            w.element("rect", ["x": Markup.coordinate(lx), "y": "25", "width": "14", "height": "3", "fill": ChartPalette.color(i)])
            w.element("text", ["x": Markup.coordinate(lx + 18), "y": "30", "font-size": "10", "fill": ChartPalette.ink, "class": "legend"],
                      content: Markup.escape(s.name))
            lx += 30 + Double(s.name.count) * 6
        }
        for tick in yAxis.ticks {
            let y = yAxis.position(tick, from: bottom, to: top)
            w.element("line", ["x1": Markup.coordinate(left), "x2": Markup.coordinate(right), "y1": Markup.coordinate(y), "y2": Markup.coordinate(y),
                               "stroke": ChartPalette.grid])
            w.text(Markup.number(tick), x: left - 6, y: y + 4, anchor: "end", size: 10)
        }
        for tick in xAxis.ticks {
            let x = xAxis.position(tick, from: left, to: right)
            w.element("line", ["x1": Markup.coordinate(x), "x2": Markup.coordinate(x), "y1": Markup.coordinate(bottom), "y2": Markup.coordinate(bottom + 4),
                               "stroke": ChartPalette.ink])
            w.text(xFormat(tick), x: x, y: bottom + 16, anchor: "middle", size: 10)
        }
        w.element("line", ["x1": Markup.coordinate(left), "x2": Markup.coordinate(right), "y1": Markup.coordinate(bottom), "y2": Markup.coordinate(bottom),
                           "stroke": ChartPalette.ink])
        for (i, s) in series.enumerated() where !s.points.isEmpty {
            var d = ""
            for (k, p) in s.points.enumerated() {
                let x = xAxis.position(p.x, from: left, to: right), y = yAxis.position(p.y, from: bottom, to: top)
                if k == 0 {
                    d += "M\(Markup.coordinate(x)) \(Markup.coordinate(y))"
                } else if step {
                    d += "H\(Markup.coordinate(x))V\(Markup.coordinate(y))"
                } else {
                    d += "L\(Markup.coordinate(x)) \(Markup.coordinate(y))"
                }
            }
            w.element("path", ["d": d, "fill": "none", "stroke": ChartPalette.color(i), "stroke-width": "2", "class": "series", "data-series": s.name,
                               "data-points": String(s.points.count)])
        }
        if let marker {
            let x = xAxis.position(marker.x, from: left, to: right)
            w.element("line", ["x1": Markup.coordinate(x), "x2": Markup.coordinate(x), "y1": Markup.coordinate(top), "y2": Markup.coordinate(bottom),
                               "stroke": ChartPalette.marker, "stroke-width": "2", "stroke-dasharray": "5 3", "class": "marker"])
            w.text(marker.label, x: min(x + 4, right - 70), y: top + 12, size: 10)
        }
        w.text(xLabel, x: (left + right) / 2, y: height - 8, anchor: "middle", size: 10)
        w.text(yLabel, x: 4, y: top - 10, size: 10)
        return w.svg(id: id, cssClass: "chart-line", width: width, height: height, title: title)
    }
}
