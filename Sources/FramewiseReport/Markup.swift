import Foundation

/// Escaping and number formatting for generated HTML and SVG.
public enum Markup {
    /// `text` safe inside an element or a double-quoted attribute.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A coordinate or size with at most two decimals (no exponent), for SVG attributes.
    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        if r == r.rounded() { return String(Int64(r)) }
        return String(format: "%.2f", r)
    }

    /// A number for people: up to 3 significant digits, thousands without exponent.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "-" }
        let a = abs(v)
        if a >= 1000 { return String(format: "%.0f", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        if a >= 1 || a == 0 { return String(format: "%.2f", v).replacingOccurrences(of: ".00", with: "") }
        return String(format: "%.3g", v)
    }

    /// A share as a percentage with one decimal.
    public static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// Seconds in the unit that reads best (µs, ms, s).
    public static func duration(_ seconds: Double) -> String {
        let a = abs(seconds)
        if a == 0 { return "0" }
        if a >= 1 { return number(seconds) + " s" }
        if a >= 0.001 { return number(seconds * 1000) + " ms" }
        return number(seconds * 1e6) + " µs"
    }
}

/// A small SVG writer: elements with escaped attributes, appended in order.
public struct SVGWriter {
    public private(set) var body = ""

    public init() {}

    /// `<name a="v" ...>content</name>` (self-closing when `content` is nil).
    public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, content: String? = nil) {
        body += "<\(name)"
        for (k, v) in attributes { body += " \(k)=\"\(Markup.escape(v))\"" }
        if let content { body += ">\(content)</\(name)>" } else { body += "/>" }
    }

    /// Text at (x, y), escaped.
    public mutating func text(_ text: String, x: Double, y: Double, anchor: String = "start", cssClass: String = "label", size: Double = 11) {
        element("text", ["x": Markup.coordinate(x), "y": Markup.coordinate(y), "text-anchor": anchor, "class": cssClass,
                         "font-size": Markup.coordinate(size), "fill": ChartPalette.ink], content: Markup.escape(text))
    }

    /// Appends raw, already escaped markup.
    public mutating func raw(_ markup: String) { body += markup }

    /// The whole `<svg>` element: its id, classes, size and accessible title.
    public func svg(id: String, cssClass: String, width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"\(Markup.escape(id))\" class=\"chart \(Markup.escape(cssClass))\" "
            + "viewBox=\"0 0 \(Markup.coordinate(width)) \(Markup.coordinate(height))\" width=\"\(Markup.coordinate(width))\" "
            + "height=\"\(Markup.coordinate(height))\" role=\"img\" font-family=\"system-ui, sans-serif\">"
            + "<title>\(Markup.escape(title))</title>\(body)</svg>"
    }
}

/// The colours of every chart (inline, so a chart reads the same outside the report's CSS).
public enum ChartPalette {
    public static let ink = "#1f2933"
    public static let grid = "#d9dee3"
    public static let marker = "#c0392b"
    /// Series and segment colours, in order.
    public static let series = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"]

    /// The colour of series `i` (cycling).
    public static func color(_ i: Int) -> String { series[((i % series.count) + series.count) % series.count] }
}
