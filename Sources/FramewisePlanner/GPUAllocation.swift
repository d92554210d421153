/// One session's share of one device: the batch it runs every duty cycle.
public struct GPUSession: Sendable, Codable, Equatable {
    /// `SessionRequirement.id`.
    public var sessionID: String
    /// Batch size run once per duty cycle (the batcher's limit).
    public var batchSize: Int
    /// Latency of that batch, seconds.
    public var batchLatency: Double
    /// Requests per second this device serves for the session.
    public var rate: Double
    /// Device memory the batch needs, bytes.
    public var memoryBytes: Int
}

/// One device (GPU, or CPU worker) of a plan: the sessions it runs round-robin within one duty
/// cycle. A saturated device runs one session back to back (duty cycle = its batch latency).
public struct GPUAllocation: Sendable, Codable, Equatable {
    /// Position of the device in the plan.
    public var index: Int
    /// Length of one round over all sessions, seconds.
    public var dutyCycle: Double
    /// Sessions in execution order.
    public var sessions: [GPUSession]
    /// True when the device is dedicated to one session at full throughput.
    public var isSaturated: Bool

    /// Busy fraction of the duty cycle: sum of batch latencies over the duty cycle (<= 1).
    public var occupancy: Double {
        dutyCycle > 0 ? sessions.reduce(0) { $0 + $1.batchLatency } / dutyCycle : 0
    }
}
