import FramewiseCore

/// The per-video table: status, error, summary fields, frames, latency and thumbnails of flagged
/// frames with their boxes drawn over them (an SVG over the JPEG, in frame pixels).
public enum VideoRows {
    /// `thumbnails[video.index]`: the thumbnails, or why there are none.
    public static func html(_ videos: [ReportVideo], thumbnails: [Int: Result<[Thumbnail], ReportError>]) -> String {
        var table = HTMLTable(id: "videos", header: [.text("#"), .text("video"), .text("status"), .text("summary"), .number("frames"),
                                                     .number("latency"), .text("flagged frames")])
        for v in videos {
            let status = v.ok ? "<span class=\"status-ok\">ok</span>"
                : "<span class=\"status-failed\">failed</span>" + (v.error.map { "<div class=\"error\">\(Markup.escape($0))</div>" } ?? "")
            let summary = v.summary.map { "<div class=\"summary-field\"><b>\(Markup.escape($0.key))</b> \(Markup.escape(display($0.value)))</div>" }
                .joined()
            var thumbs = ""
            switch thumbnails[v.index] {
            case let .success(list)?: thumbs = "<div class=\"thumbs\">" + list.map(figure).joined() + "</div>"
            case let .failure(error)?: thumbs = "<span class=\"note\">no thumbnails: \(Markup.escape(error.description))</span>"
            case nil: break
            }
            table.add([.number(String(v.index + 1)), .text(v.path), Cell(status), Cell(summary), .number(String(v.sampledFrames)),
                       .number(Markup.duration(v.latency)), Cell(thumbs)],
                      attributes: "class=\"video-row\" data-status=\"\(v.ok ? "ok" : "failed")\"")
        }
        return table.html
    }

    typealias Cell = HTMLTable.Cell

    /// A summary value as text: numbers rounded, lists joined.
    static func display(_ value: JSONValue) -> String {
        switch value {
        case let .number(n): Markup.number(n)
        case let .string(s): s
        case let .array(items): items.map(display).joined(separator: ", ")
        default: value.jsonText
        }
    }

    /// One thumbnail: the JPEG, its boxes over it, and why it was picked.
    public static func figure(_ t: Thumbnail) -> String {
        var w = SVGWriter()
        let stages = Array(Set(t.frame.boxes.map(\.stage))).sorted()
        let stroke = max(1.5, Double(t.sourceWidth) / 200)
        for b in t.frame.boxes {
            let color = ChartPalette.color(2 + (stages.firstIndex(of: b.stage) ?? 0))
            w.element("rect", ["x": Markup.coordinate(b.x1), "y": Markup.coordinate(b.y1), "width": Markup.coordinate(max(1, b.x2 - b.x1)),
                               "height": Markup.coordinate(max(1, b.y2 - b.y1)), "fill": "none", "stroke": color,
                               "stroke-width": Markup.coordinate(stroke), "class": "box", "data-stage": b.stage],
                      content: b.label.map { "<title>\(Markup.escape($0))</title>" } ?? "")
        }
        let overlay = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"boxes\" viewBox=\"0 0 \(t.sourceWidth) \(t.sourceHeight)\" "
            + "preserveAspectRatio=\"none\">\(w.body)</svg>"
        let texts = t.frame.boxes.compactMap(\.label).filter { !$0.isEmpty }
        let caption = ["\(Markup.number(t.frame.time)) s"] + t.frame.reasons + (texts.isEmpty ? [] : ["text: " + texts.joined(separator: ", ")])
        return "<figure class=\"thumb\" data-time=\"\(Markup.number(t.frame.time))\"><div class=\"thumb-frame\">"
            + "<img class=\"thumbnail\" alt=\"frame at \(Markup.number(t.frame.time)) s\" width=\"\(t.width)\" height=\"\(t.height)\" "
            + "src=\"data:image/jpeg;base64,\(t.base64)\">\(overlay)</div>"
            + "<figcaption>\(Markup.escape(caption.joined(separator: "; ")))</figcaption></figure>"
    }
}
