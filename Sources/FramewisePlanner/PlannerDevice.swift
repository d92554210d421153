/// The device a plan is for: a GPU type, or a CPU worker type.
public struct PlannerDevice: Sendable, Codable, Equatable {
    /// Whether plan counts are GPUs or CPU workers.
    public enum Kind: String, Sendable, Codable {
        case gpu
        case cpu
    }

    /// Device name; profiles are looked up under it (e.g. "V100").
    public var name: String
    /// GPU or CPU worker.
    public var kind: Kind
    /// Memory per device available to models, bytes (nil: not a constraint).
    public var memoryBytes: Int?

    public init(name: String, kind: Kind = .gpu, memoryBytes: Int? = nil) {
        self.name = name
        self.kind = kind
        self.memoryBytes = memoryBytes
    }
}
