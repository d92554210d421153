/// One bar of a stacked bar chart: a label and one value per category.
public struct StackedBar: Sendable, Equatable {
    public var label: String
    public var values: [Double]
    public init(label: String, values: [Double]) {
        self.label = label
        self.values = values
    }
}

/// Horizontal stacked bars (one per row, segments per category) with a legend that gives each
/// category's share of the total. Segments carry `class="segment"` and `data-category`.
public enum StackedBarChart {
    public static func svg(id: String, title: String, categories: [String], bars: [StackedBar],
                           format: (Double) -> String = Markup.duration) -> String {
        let width = 760.0, left = 140.0, right = 650.0, top = 44.0, row = 26.0, gap = 10.0
        let height = top + Double(bars.count) * (row + gap) + 30
        let total = bars.reduce(0) { $0 + $1.values.reduce(0, +) }
        let longest = bars.map { $0.values.reduce(0, +) }.max() ?? 0
        let axis = AxisScale(upper: longest > 0 ? longest : 1)
        var w = SVGWriter()
        // Legend: each category's colour and share of everything.
        var x = left
        for (i, category) in categories.enumerated() {
            let sum = bars.reduce(0) { $0 + ($1.values.indices.contains(i) ? $1.values[i] : 0) }
            let share = total > 0 ? sum / total : 0
            w.element("rect", ["x": Markup.coordinate(x), "y": "8", "width": "12", "height": "12", "fill": ChartPalette.color(i)])
            let label = "\(category) \(Markup.percent(share))"
            w.element("text", ["x": Markup.coordinate(x + 16), "y": "18", "font-size": "11", "fill": ChartPalette.ink, "class": "legend",
                               "data-category": category, "data-share": String(format: "%.4f", share)], content: Markup.escape(label))
            x += 22 + Double(label.count) * 6.2
        }
        for tick in axis.ticks {
            let tx = axis.position(tick, from: left, to: right)
            w.element("line", ["x1": Markup.coordinate(tx), "x2": Markup.coordinate(tx), "y1": Markup.coordinate(top - 6),
                               "y2": Markup.coordinate(height - 24), "stroke": ChartPalette.grid])
            w.text(format(tick), x: tx, y: height - 10, anchor: "middle", size: 10)
        }
        for (r, bar) in bars.enumerated() {
            let y = top + Double(r) * (row + gap)
            w.text(bar.label, x: left - 8, y: y + row * 0.65, anchor: "end")
            var at = 0.0
            for (i, value) in bar.values.enumerated() where value > 0 {
                let x0 = axis.position(at, from: left, to: right), x1 = axis.position(at + value, from: left, to: right)
                let category = categories.indices.contains(i) ? categories[i] : "\(i)"
                let tip = "\(bar.label) \(category): \(format(value))" + (total > 0 ? " (\(Markup.percent(value / total)) of all)" : "")
                w.element("rect", ["x": Markup.coordinate(x0), "y": Markup.coordinate(y), "width": Markup.coordinate(max(0.5, x1 - x0)),
                                   "height": Markup.coordinate(row), "fill": ChartPalette.color(i), "class": "segment", "data-category": category],
                          content: "<title>\(Markup.escape(tip))</title>")
                at += value
            }
            w.text(format(at), x: axis.position(at, from: left, to: right) + 6, y: y + row * 0.65, size: 10)
        }
        return w.svg(id: id, cssClass: "chart-stacked", width: width, height: height, title: title)
    }
}
