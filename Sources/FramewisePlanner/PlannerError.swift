/// Why the planner rejected its input. Every invalid input is reported with the model or stage it
/// concerns; the planner never traps on bad data.
public enum PlannerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A profile without any batch entries.
    case emptyProfile(model: String)
    /// A profile whose entries are malformed (duplicate or non-positive batch sizes, negative or
    /// non-finite latencies).
    case invalidProfile(model: String, reason: String)
    /// A batch size outside `1...maxBatch` of the profile.
    case batchOutOfRange(model: String, batch: Int, maxBatch: Int)
    /// No batch size fits in the device's memory.
    case exceedsDeviceMemory(model: String, memoryBytes: Int)
    /// A negative or non-finite request rate.
    case invalidRate(model: String, rate: Double)
    /// A non-positive or non-finite SLO.
    case invalidSLO(model: String, slo: Double)
    /// The SLO is below the smallest worst-case latency the model can be planned for
    /// (`2 * l(1) + pre + post`, see `SquishyBinPacker`).
    case sloBelowMinimumLatency(model: String, slo: Double, minimum: Double)
    /// No profile for this model on this device.
    case missingProfile(model: String, device: String)
    /// The pipeline graph is malformed (unknown input, duplicate name, cycle, no stages).
    case invalidPipeline(reason: String)
    /// A numeric argument outside its domain (segment count, latencies for ratios, ...).
    case invalidArgument(String)
    /// An input's burst of requests (a video's frames) cannot drain within the SLO (`VideoBurst`).
    case burstExceedsSLO(pipeline: String, rate: Double, drain: Double, slo: Double)

    public var description: String {
        switch self {
        case .emptyProfile(let model): "profile of '\(model)' has no batch entries"
        case .invalidProfile(let model, let reason): "profile of '\(model)' is invalid: \(reason)"
        case .batchOutOfRange(let model, let batch, let maxBatch):
            "batch \(batch) is outside 1...\(maxBatch) for '\(model)'"
        case .exceedsDeviceMemory(let model, let memoryBytes):
            "no batch of '\(model)' fits in \(memoryBytes) bytes of device memory"
        case .invalidRate(let model, let rate): "rate \(rate) req/s for '\(model)' is invalid"
        case .invalidSLO(let model, let slo): "SLO \(slo) s for '\(model)' is invalid"
        case .sloBelowMinimumLatency(let model, let slo, let minimum):
            "SLO \(slo) s for '\(model)' is below its minimum plannable latency \(minimum) s"
        case .missingProfile(let model, let device): "no profile for '\(model)' on device '\(device)'"
        case .invalidPipeline(let reason): "invalid pipeline: \(reason)"
        case .burstExceedsSLO(let pipeline, let rate, let drain, let slo):
            "'\(pipeline)' at \(rate) inputs/s: an input's burst of requests takes \(drain) s to drain, which the \(slo) s SLO cannot hold; raise the SLO or sample fewer frames"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        }
    }
}
