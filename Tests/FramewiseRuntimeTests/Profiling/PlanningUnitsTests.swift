import FramewiseRuntime
import Testing

/// Rates and SLOs as written on the `plan` command line.
@Suite struct PlanningUnitsTests {
    @Test(arguments: [
        ("500000/day", 500_000.0 / 86_400), ("20/s", 20), ("3000/h", 3000.0 / 3600), ("90/min", 1.5),
        ("86400/d", 1), ("7", 7), ("0/s", 0), (" 60 / minute ", 1), ("1.5/sec", 1.5), ("7200/hour", 2),
    ] as [(String, Double)])
    func rates(text: String, perSecond: Double) throws {
        #expect(abs(try PlanningUnits.rate(text) - perSecond) < 1e-12)
    }

    @Test(arguments: ["", "abc/s", "5/week", "-1/s", "1/2/s", "inf/s", "nan"])
    func badRates(text: String) {
        #expect(throws: PlanningUnits.ParseError.self) { try PlanningUnits.rate(text) }
    }

    @Test(arguments: [("5s", 5.0), ("250ms", 0.25), ("2min", 120), ("2m", 120), ("1h", 3600), ("1500us", 0.0015), ("0.5", 0.5), ("3 s", 3)] as [(String, Double)])
    func durations(text: String, seconds: Double) throws {
        #expect(abs(try PlanningUnits.seconds(text) - seconds) < 1e-12)
    }

    @Test(arguments: ["", "s", "0s", "-5s", "5 parsecs", "fast"])
    func badDurations(text: String) {
        #expect(throws: PlanningUnits.ParseError.self) { try PlanningUnits.seconds(text) }
    }
}
