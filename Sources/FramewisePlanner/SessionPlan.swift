/// Where the residual part of a session runs: a share of one (possibly shared) device.
public struct ResidualAssignment: Sendable, Codable, Equatable {
    /// `GPUAllocation.index` of the device.
    public var gpuIndex: Int
    /// Batch size per duty cycle.
    public var batchSize: Int
    /// The device's duty cycle, seconds.
    public var dutyCycle: Double
    /// Requests per second served here.
    public var rate: Double
    /// Fraction of the device this session uses: batch latency / duty cycle.
    public var gpuShare: Double
    /// Duty cycle + batch latency + pre + post, seconds.
    public var worstCaseLatency: Double
    /// Requests per second the assignment can serve: batch / duty cycle.
    public var capacity: Double
}

/// How one session is served: whole saturated devices at one batch size, plus at most one
/// residual share of a device.
public struct SessionPlan: Sendable, Codable, Equatable {
    /// `SessionRequirement.id`.
    public var sessionID: String
    /// The model's name.
    public var modelName: String
    /// Requests per second to serve.
    public var rate: Double
    /// The session's SLO, seconds.
    public var slo: Double
    /// Devices dedicated to this session at full throughput.
    public var saturatedGPUs: Int
    /// Batch size on saturated devices (nil when there are none).
    public var saturatedBatchSize: Int?
    /// Batch latency on saturated devices (their duty cycle), seconds; 0 when there are none.
    public var saturatedBatchLatency: Double
    /// Requests per second one saturated device serves: batch / batch latency.
    public var throughputPerSaturatedGPU: Double
    /// The remainder of the rate, on a share of a device.
    public var residual: ResidualAssignment?
    /// Pre- plus post-processing per item, seconds.
    public var perItemOverhead: Double

    /// Device instances running the session (saturated devices plus the shared one).
    public var instances: Int { saturatedGPUs + (residual == nil ? 0 : 1) }
    /// Devices used, counting the residual's share fractionally.
    public var gpus: Double { Double(saturatedGPUs) + (residual?.gpuShare ?? 0) }
    /// The main batch size: the saturated one, else the residual one (0 for an idle session).
    public var batchSize: Int { saturatedBatchSize ?? residual?.batchSize ?? 0 }
    /// The main duty cycle, matching `batchSize`.
    public var dutyCycle: Double { saturatedGPUs > 0 ? saturatedBatchLatency : residual?.dutyCycle ?? 0 }
    /// Requests per second the plan can serve (>= `rate`).
    public var predictedThroughput: Double {
        Double(saturatedGPUs) * throughputPerSaturatedGPU + (residual?.capacity ?? 0)
    }
    /// Worst-case latency over all instances, seconds (<= `slo` by construction).
    public var worstCaseLatency: Double {
        let saturated = saturatedGPUs > 0 ? 2 * saturatedBatchLatency + perItemOverhead : 0
        return max(saturated, residual?.worstCaseLatency ?? 0)
    }
}
