import Foundation
import FramewiseReport
import Testing

/// The SVG chart builders: structure (ids, classes, one element per value), escaping, scales.
@Suite struct ChartTests {
    /// How often `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func stackedBarsHaveOneSegmentPerNonZeroValueAndShares() {
        let svg = StackedBarChart.svg(id: "split", title: "t", categories: ["a", "b", "c"],
                                      bars: [StackedBar(label: "x", values: [1, 0, 3]), StackedBar(label: "y<z", values: [0, 4, 0])])
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        #expect(svg.contains("id=\"split\"") && svg.contains("class=\"chart chart-stacked\""))
        #expect(Self.count("class=\"segment\"", in: svg) == 3)
        #expect(svg.contains("data-category=\"a\" data-share=\"0.1250\""))
        #expect(svg.contains("data-category=\"b\" data-share=\"0.5000\""))
        #expect(svg.contains("y&lt;z") && !svg.contains("y<z"), "labels are escaped")
    }

    @Test func histogramHasABarPerSeenValueAndTheMarker() {
        let svg = HistogramChart.svg(id: "h", title: "batches", bins: [HistogramBin(value: 1, count: 3), HistogramBin(value: 4, count: 7)],
                                     marker: 8, markerLabel: "plan: 8", xLabel: "batch size", yLabel: "batches")
        #expect(Self.count("class=\"bar\"", in: svg) == 2)
        #expect(svg.contains("data-value=\"4\" data-count=\"7\""))
        #expect(Self.count("class=\"marker\"", in: svg) == 1 && svg.contains("plan: 8"))
        let plain = HistogramChart.svg(id: "h", title: "b", bins: [HistogramBin(value: 2, count: 1)], xLabel: "x", yLabel: "y")
        #expect(!plain.contains("class=\"marker\""))
    }

    @Test func lineChartDrawsEverySeriesAndTheMarker() {
        let series = [ChartSeries(name: "a", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 2)]),
                      ChartSeries(name: "b", points: [ChartPoint(x: 0, y: 1), ChartPoint(x: 2, y: 1), ChartPoint(x: 3, y: 0)])]
        let svg = LineChart.svg(id: "l", title: "t", series: series, xLabel: "s", yLabel: "n", step: true, marker: ChartMarker(x: 1.5, label: "SLO"))
        #expect(Self.count("class=\"series\"", in: svg) == 2)
        #expect(svg.contains("data-series=\"b\" data-points=\"3\""))
        #expect(svg.contains("class=\"marker\"") && svg.contains(">SLO</text>"))
        #expect(svg.contains(" d=\"M") && svg.contains("H"), "steps are drawn with horizontal moves")
    }

    @Test(arguments: [(7.3, 8.0), (0.42, 0.5), (93.0, 100.0), (1.0, 1.0)])
    func axisEndsAtANiceNumber(upper: Double, expected: Double) {
        let axis = AxisScale(upper: upper)
        #expect(axis.max == expected)
        #expect(axis.ticks.first == 0 && axis.ticks.last == expected)
    }

    @Test func markupEscapesAndFormats() {
        #expect(Markup.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(Markup.duration(0.0123) == "12.3 ms" && Markup.duration(2.5) == "2.50 s")
        #expect(Markup.percent(0.4567) == "45.7%")
        #expect(Markup.coordinate(1.234) == "1.23" && Markup.coordinate(3) == "3")
    }
}
