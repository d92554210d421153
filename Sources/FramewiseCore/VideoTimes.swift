/// When a video arrived, was admitted into the engine, finished, and was due: seconds since the
/// Unix epoch, written as whole milliseconds (`times_unix_ms` in a result's stats).
public struct VideoTimes: Sendable, Equatable {
    public var arrived: Double
    public var admitted: Double
    public var finished: Double
    /// Arrival + the SLO (nil: no SLO).
    public var deadline: Double?

    public init(arrived: Double, admitted: Double, finished: Double, deadline: Double? = nil) {
        self.arrived = arrived
        self.admitted = admitted
        self.finished = finished
        self.deadline = deadline
    }

    /// `{"arrived", "admitted", "finished", "deadline"?}` in whole milliseconds since the epoch.
    public var json: JSONValue {
        func ms(_ s: Double) -> JSONValue { .number((s * 1000).rounded()) }
        var fields = [JSONField("arrived", ms(arrived)), JSONField("admitted", ms(admitted)), JSONField("finished", ms(finished))]
        if let deadline { fields.append(JSONField("deadline", ms(deadline))) }
        return .object(fields)
    }

    /// Reads `times_unix_ms` back (nil when a field is missing).
    public init?(json: JSONValue) {
        guard let a = json["arrived"]?.number, let d = json["admitted"]?.number, let f = json["finished"]?.number else { return nil }
        self.init(arrived: a / 1000, admitted: d / 1000, finished: f / 1000, deadline: json["deadline"]?.number.map { $0 / 1000 })
    }
}
