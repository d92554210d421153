import ArgumentParser

/// A size on the command line: bytes, or with a unit (`512K`, `100M`, `2G`; powers of 1024).
struct ByteCount: ExpressibleByArgument, Sendable {
    let bytes: Int64

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int64)] = [("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        var multiplier: Int64 = 1
        var number = Substring(text)
        for (suffix, value) in units where text.hasSuffix(suffix) {
            multiplier = value
            number = number.dropLast(suffix.count)
            break
        }
        guard let value = Double(number), value >= 0, value * Double(multiplier) < 9e18 else { return nil }
        bytes = Int64(value * Double(multiplier))
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
