import Foundation

/// Turns a `--class` argument into a class id: a number is an id; a name matches a label whole or
/// any of its comma-separated synonyms ("tabby, tabby cat" answers to "tabby cat"), case-insensitively.
public enum ClassResolver {
    public static func resolve(_ name: String, labels: [String]) -> Int? {
        let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let id = Int(wanted), id >= 0, labels.isEmpty || id < labels.count { return id }
        if let exact = labels.firstIndex(where: { $0.lowercased() == wanted }) { return exact }
        return labels.firstIndex { label in
            label.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
        }
    }
}
