import Yams

/// Reads typed fields out of a YAML node, recording an issue (file, line, field) for each
/// missing, unknown or ill-typed field instead of stopping at the first.
struct YAMLReader {
    let file: String
    private(set) var issues: [PipelineIssue] = []
    private(set) var locations: [String: FileLocation] = [:]

    init(file: String) { self.file = file }

    func location(_ node: Node?) -> FileLocation {
        FileLocation(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0)
    }

    mutating func fail(_ field: String, _ message: String, at node: Node?) {
        issues.append(PipelineIssue(location: location(node), field: field, message: message))
    }

    /// Records where `field` was written (its key's line and column).
    mutating func note(_ field: String, _ node: Node) { locations[field] = location(node) }

    /// The entries of a mapping in written order, or an issue if `node` is not a mapping.
    mutating func entries(_ node: Node, _ field: String) -> [(key: String, value: Node)] {
        guard let mapping = node.mapping else {
            fail(field, "expected a mapping", at: node)
            return []
        }
        return mapping.compactMap { key, value in
            guard let name = key.string else {
                fail(field, "keys must be strings", at: key)
                return nil
            }
            note(field.isEmpty ? name : "\(field).\(name)", key)
            return (name, value)
        }
    }

    /// Records an issue for each key of `node` not in `allowed` (catches typos).
    mutating func rejectUnknownKeys(_ node: Node, _ field: String, allowed: Set<String>) {
        guard let mapping = node.mapping else { return }
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let list = allowed.sorted().joined(separator: ", ")
            fail(field.isEmpty ? name : "\(field).\(name)", "unknown field '\(name)' (expected one of: \(list))", at: key)
        }
    }

    mutating func string(_ node: Node?, _ field: String, required: Bool = false) -> String? {
        guard let node else {
            if required { fail(field, "missing required field", at: nil) }
            return nil
        }
        guard node.scalar != nil, let value = node.string else {
            fail(field, "expected a string", at: node)
            return nil
        }
        return value
    }

    mutating func int(_ node: Node?, _ field: String, min: Int = Int.min) -> Int? {
        guard let node else { return nil }
        guard let value = node.int else {
            fail(field, "expected an integer, got '\(node.string ?? "?")'", at: node)
            return nil
        }
        guard value >= min else {
            fail(field, "must be at least \(min), got \(value)", at: node)
            return nil
        }
        return value
    }

    mutating func double(_ node: Node?, _ field: String) -> Double? {
        guard let node else { return nil }
        guard let value = node.float else {
            fail(field, "expected a number, got '\(node.string ?? "?")'", at: node)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else {
            fail(field, "expected true or false, got '\(node.string ?? "?")'", at: node)
            return nil
        }
        return value
    }

    mutating func numbers(_ node: Node?, _ field: String, count: Int? = nil) -> [Double]? {
        guard let node else { return nil }
        if node.scalar != nil, count == nil || count == 1, let single = node.float { return [single] }
        guard let seq = node.sequence else {
            fail(field, "expected a list of numbers", at: node)
            return nil
        }
        var out: [Double] = []
        for item in seq {
            guard let v = item.float else {
                fail(field, "expected a number, got '\(item.string ?? "?")'", at: item)
                return nil
            }
            out.append(v)
        }
        if let count, out.count != count {
            fail(field, "expected \(count) numbers, got \(out.count)", at: node)
            return nil
        }
        return out
    }

    mutating func strings(_ node: Node?, _ field: String) -> [String]? {
        guard let node else { return nil }
        guard let seq = node.sequence else {
            fail(field, "expected a list of strings", at: node)
            return nil
        }
        return seq.map { $0.string ?? "" }
    }

    /// A value written either as a bare word (`letterbox`) or a one-key mapping (`{letterbox: center}`).
    mutating func variant(_ node: Node, _ field: String) -> (name: String, argument: Node?)? {
        if node.scalar != nil, let word = node.string { return (word, nil) }
        if let mapping = node.mapping, mapping.count >= 1, let first = mapping.first, let key = first.key.string {
            return (key, first.value)
        }
        fail(field, "expected a word or a mapping", at: node)
        return nil
    }
}
