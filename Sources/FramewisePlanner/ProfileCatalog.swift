import FramewiseCore

/// Profiles of many models on many devices, looked up by model hash (or name) and device name.
/// Codable as a JSON array of `ModelProfile`s, each carrying its own key fields.
public struct ProfileCatalog: Sendable, Codable, Equatable {
    /// All profiles.
    public var profiles: [ModelProfile]

    public init(_ profiles: [ModelProfile] = []) {
        self.profiles = profiles
    }

    public init(from decoder: any Decoder) throws {
        profiles = try decoder.singleValueContainer().decode([ModelProfile].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(profiles)
    }

    /// Adds or replaces the profile with the same model hash and device.
    public mutating func insert(_ profile: ModelProfile) {
        profiles.removeAll { $0.key == profile.key }
        profiles.append(profile)
    }

    /// The profile of `model` (hash, else name) on `device`.
    public func profile(model: String, device: String) throws(PlannerError) -> ModelProfile {
        let onDevice = profiles.filter { $0.deviceName == device }
        if let match = onDevice.first(where: { $0.modelHash == model }) ?? onDevice.first(where: { $0.modelName == model }) {
            return match
        }
        throw .missingProfile(model: model, device: device)
    }
}
