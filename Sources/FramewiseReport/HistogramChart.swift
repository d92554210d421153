/// One bar of a histogram: a whole value and how often it occurred.
public struct HistogramBin: Sendable, Equatable {
    public var value: Int
    public var count: Int
    public init(value: Int, count: Int) {
        self.value = value
        self.count = count
    }
}

/// Vertical bars for whole values from 1 to the largest (or the marker), with an optional dashed
/// marker (e.g. the plan's batch size). Bars carry `class="bar"`, `data-value` and `data-count`.
public enum HistogramChart {
    public static func svg(id: String, title: String, bins: [HistogramBin], marker: Int? = nil, markerLabel: String? = nil,
                           xLabel: String, yLabel: String) -> String {
        let width = 360.0, height = 230.0, left = 44.0, right = width - 12, top = 40.0, bottom = height - 40
        let largest = max(bins.map(\.value).max() ?? 1, marker ?? 1, 1)
        let counts = Dictionary(bins.map { ($0.value, $0.count) }, uniquingKeysWith: +)
        let axis = AxisScale(upper: Double(max(1, counts.values.max() ?? 1)), count: 4)
        let slot = (right - left) / Double(largest)
        var w = SVGWriter()
        w.text(title, x: left, y: 14, size: 12)
        for tick in axis.ticks {
            let y = axis.position(tick, from: bottom, to: top)
            w.element("line", ["x1": Markup.coordinate(left), "x2": Markup.coordinate(right), "y1": Markup.coordinate(y), "y2": Markup.coordinate(y),
                               "stroke": ChartPalette.grid])
            w.text(Markup.number(tick), x: left - 6, y: y + 4, anchor: "end", size: 10)
        }
        let labelEvery = max(1, largest / 12)
        for value in 1...largest {
            let count = counts[value] ?? 0
            let x = left + Double(value - 1) * slot
            if count > 0 {
                let y = axis.position(Double(count), from: bottom, to: top)
                w.element("rect", ["x": Markup.coordinate(x + slot * 0.12), "y": Markup.coordinate(y), "width": Markup.coordinate(slot * 0.76),
                                   "height": Markup.coordinate(bottom - y), "fill": ChartPalette.color(0), "class": "bar",
                                   "data-value": String(value), "data-count": String(count)],
                          content: "<title>\(value): \(count)</title>")
            }
            if value % labelEvery == 0 || value == 1 { w.text(String(value), x: x + slot / 2, y: bottom + 14, anchor: "middle", size: 10) }
        }
        if let marker {
            let x = left + (Double(marker) - 0.5) * slot
            w.element("line", ["x1": Markup.coordinate(x), "x2": Markup.coordinate(x), "y1": Markup.coordinate(top), "y2": Markup.coordinate(bottom),
                               "stroke": ChartPalette.marker, "stroke-width": "2", "stroke-dasharray": "5 3", "class": "marker"])
            w.text(markerLabel ?? "\(marker)", x: min(x + 4, right - 60), y: top + 10, size: 10)
        }
        w.text(xLabel, x: (left + right) / 2, y: height - 8, anchor: "middle", size: 10)
        w.text(yLabel, x: 4, y: top - 12, size: 10)
        return w.svg(id: id, cssClass: "chart-histogram", width: width, height: height, title: title)
    }
}
