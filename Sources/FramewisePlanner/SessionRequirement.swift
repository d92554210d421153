import FramewiseCore

/// One model session to place: a model profile, the request rate it must sustain and the latency
/// SLO each of its requests must meet.
public struct SessionRequirement: Sendable, Codable, Equatable {
    /// Identifies the session in plans (defaults to the model name; make it unique when one model
    /// serves several stages or SLOs).
    public var id: String
    /// The model's profile on the target device.
    public var profile: ModelProfile
    /// Requests per second.
    public var rate: Double
    /// Latency SLO per request, seconds, including pre- and post-processing.
    public var slo: Double

    public init(id: String? = nil, profile: ModelProfile, rate: Double, slo: Double) {
        self.id = id ?? profile.modelName
        self.profile = profile
        self.rate = rate
        self.slo = slo
    }
}
