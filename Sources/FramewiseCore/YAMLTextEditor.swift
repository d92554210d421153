import Yams

/// Edits a YAML file's text in place, key by key, so everything else in the file (comments, order,
/// flow style, blank lines) stays as the author wrote it. Used to register model variants
/// (`framewise optimize`) and to write a tuned pipeline (`framewise tune`). Block mappings only
/// along the edited path; the value replaced is the key's whole block.
public struct YAMLTextEditor: Sendable {
    /// Why an edit could not be made.
    public struct EditError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "cannot set \(path): \(message)" }
    }

    /// The current text.
    public private(set) var text: String

    public init(text: String) { self.text = text }

    /// Sets `path` (mapping keys from the root) to the YAML `value` (a scalar or a one-line flow
    /// collection), with `comment` after it; missing mappings along the path are added.
    public mutating func set(_ path: [String], to value: String, comment: String? = nil) throws(EditError) {
        let dotted = path.joined(separator: ".")
        guard let key = path.last else { throw EditError(path: dotted, message: "empty path") }
        var lines = text.components(separatedBy: "\n")
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw EditError(path: dotted, message: "the file is empty") }
            root = node
        } catch let error as EditError { throw error } catch {
            throw EditError(path: dotted, message: "not valid YAML: \(error)")
        }
        var parent = root
        var parentLine = -1  // index of the parent's key line (-1: the root)
        for (depth, name) in path.dropLast().enumerated() {
            if Self.isEmpty(parent), parentLine >= 0 {
                lines.insert(String(repeating: " ", count: Self.indent(lines[parentLine]) + 2) + name + ":", at: parentLine + 1)
                text = lines.joined(separator: "\n")
                try set(path, to: value, comment: comment)
                return
            }
            guard let mapping = parent.mapping, !Self.isFlow(mapping, parentLine: parentLine) else {
                throw EditError(path: dotted, message: "'\(path[..<depth].joined(separator: "."))' is not a block mapping")
            }
            guard let pair = mapping.first(where: { $0.key.string == name }) else {
                // Add the missing mapping, then edit again.
                let indent = Self.childIndent(mapping, lines: lines, parentLine: parentLine)
                let at = Self.blockEnd(lines: lines, from: parentLine, indent: parentLine < 0 ? -1 : Self.indent(lines[parentLine]))
                lines.insert(String(repeating: " ", count: indent) + name + ":", at: at)
                text = lines.joined(separator: "\n")
                try set(path, to: value, comment: comment)
                return
            }
            parent = pair.value
            parentLine = (pair.key.mark?.line ?? 1) - 1
        }
        let suffix = comment.map { "  # \($0)" } ?? ""
        if Self.isEmpty(parent), parentLine >= 0 {
            lines.insert(String(repeating: " ", count: Self.indent(lines[parentLine]) + 2) + key + ": " + value + suffix, at: parentLine + 1)
            text = lines.joined(separator: "\n")
            return
        }
        guard let mapping = parent.mapping, !Self.isFlow(mapping, parentLine: parentLine) else {
            throw EditError(path: dotted, message: "its parent is not a block mapping (a {flow} mapping is not edited)")
        }
        if let pair = mapping.first(where: { $0.key.string == key }), let line = pair.key.mark.map({ $0.line - 1 }), line < lines.count {
            let indent = Self.indent(lines[line])
            let end = Self.blockEnd(lines: lines, from: line, indent: indent)
            lines.replaceSubrange(line..<end, with: [String(repeating: " ", count: indent) + key + ": " + value + suffix])
        } else {
            let indent = Self.childIndent(mapping, lines: lines, parentLine: parentLine)
            let at = Self.blockEnd(lines: lines, from: parentLine, indent: parentLine < 0 ? -1 : Self.indent(lines[parentLine]))
            lines.insert(String(repeating: " ", count: indent) + key + ": " + value + suffix, at: at)
        }
        text = lines.joined(separator: "\n")
    }

    /// A flow mapping (`key: {a: 1}`): its first key is on its parent key's line, or it is empty.
    static func isFlow(_ mapping: Node.Mapping, parentLine: Int) -> Bool {
        if mapping.style == .flow { return true }
        guard parentLine >= 0 else { return false }
        guard let first = mapping.first?.key.mark else { return true }
        return first.line - 1 <= parentLine
    }

    /// A key written with no value (`key:`): a mapping can be started under it.
    static func isEmpty(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
    }

    /// Leading spaces of `line`.
    static func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    static func isContent(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return !trimmed.isEmpty && !trimmed.hasPrefix("#")
    }

    /// The line index after the block that starts at `from` (a key at `indent`): the next content
    /// line indented no deeper, with blank and comment lines before it left to what follows.
    static func blockEnd(lines: [String], from: Int, indent: Int) -> Int {
        var end = lines.count
        for i in (from + 1)..<max(from + 1, lines.count) where isContent(lines[i]) && Self.indent(lines[i]) <= indent {
            end = i
            break
        }
        while end > from + 1, !isContent(lines[end - 1]) { end -= 1 }
        return end
    }

    /// The indentation of the mapping's keys (its first key's), or two more than its parent's key.
    static func childIndent(_ mapping: Node.Mapping, lines: [String], parentLine: Int) -> Int {
        if let first = mapping.first, let line = first.key.mark.map({ $0.line - 1 }), line < lines.count { return indent(lines[line]) }
        return parentLine < 0 ? 0 : indent(lines[parentLine]) + 2
    }
}
