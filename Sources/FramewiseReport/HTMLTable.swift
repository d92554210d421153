/// A plain HTML table: a header row and body rows of already escaped cells.
public struct HTMLTable {
    /// A cell: its markup and whether it is a number (right-aligned).
    public struct Cell {
        public var markup: String
        public var numeric: Bool
        public init(_ markup: String, numeric: Bool = false) {
            self.markup = markup
            self.numeric = numeric
        }
        /// A text cell, escaped.
        public static func text(_ s: String) -> Cell { Cell(Markup.escape(s)) }
        /// A number cell.
        public static func number(_ s: String) -> Cell { Cell(Markup.escape(s), numeric: true) }
    }

    public var id: String
    public var header: [Cell]
    public var rows: [(attributes: String, cells: [Cell])] = []

    public init(id: String, header: [Cell]) {
        self.id = id
        self.header = header
    }

    /// Adds a row; `attributes` go into the `<tr>` as they are (e.g. `class="video-row"`).
    public mutating func add(_ cells: [Cell], attributes: String = "") { rows.append((attributes, cells)) }

    public var html: String {
        func cell(_ tag: String, _ c: Cell) -> String { "<\(tag)\(c.numeric ? " class=\"num\"" : "")>\(c.markup)</\(tag)>" }
        var out = "<table id=\"\(Markup.escape(id))\"><thead><tr>" + header.map { cell("th", $0) }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += "<tr\(row.attributes.isEmpty ? "" : " " + row.attributes)>" + row.cells.map { cell("td", $0) }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }
}
