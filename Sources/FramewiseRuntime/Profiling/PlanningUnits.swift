/// Parses the rates and durations written on the `plan` command line.
///
/// Rates: `500000/day`, `20/s`, `3000/h`, `90/min` (also `/sec`, `/second`, `/hour`, `/d`,
/// `/m`, `/minute`); a bare number is per second. Durations: `5s`, `250ms`, `2m`/`2min`, `1h`,
/// `1500us`; a bare number is seconds. Values must be finite; rates non-negative, durations
/// positive.
public enum PlanningUnits {
    /// A rate or duration that could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The text as given.
        public var text: String
        /// What was wrong with it.
        public var reason: String
        public var description: String { "cannot read '\(text)': \(reason)" }
    }

    /// `text` as events per second.
    public static func rate(_ text: String) throws(ParseError) -> Double {
        let trimmed = text.trimmingSpaces
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw ParseError(text: text, reason: "expected COUNT/UNIT, e.g. 500000/day") }
        guard let count = Double(parts[0].trimmingSpaces), count.isFinite, count >= 0 else {
            throw ParseError(text: text, reason: "the count must be a non-negative number")
        }
        guard parts.count == 2 else { return count }
        let unit = parts[1].trimmingSpaces.lowercased()
        guard let seconds = periods[unit] else {
            throw ParseError(text: text, reason: "unknown unit '\(unit)' (use s, min, h or day)")
        }
        return count / seconds
    }

    /// `text` as seconds.
    public static func seconds(_ text: String) throws(ParseError) -> Double {
        let trimmed = text.trimmingSpaces.lowercased()
        let digits = trimmed.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "+" || $0 == "-" }
        let unit = trimmed.dropFirst(digits.count).trimmingSpaces
        guard let value = Double(digits), value.isFinite, value > 0 else {
            throw ParseError(text: text, reason: "expected a positive duration, e.g. 5s or 250ms")
        }
        if unit.isEmpty { return value }
        guard let scale = durations[unit] else {
            throw ParseError(text: text, reason: "unknown unit '\(unit)' (use ms, s, min or h)")
        }
        return value * scale
    }

    private static let periods: [String: Double] = [
        "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
        "h": 3600, "hr": 3600, "hour": 3600, "d": 86_400, "day": 86_400,
    ]

    private static let durations: [String: Double] = [
        "us": 1e-6, "ms": 1e-3, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600,
    ]
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
