/// What a video's frames arriving together add to a plan's worst-case latency.
///
/// Nexus' worst case (a duty cycle plus a batch, `SessionPlan.worstCaseLatency`) holds for requests
/// that arrive one by one. A video's `k` sampled frames reach a stage within the time decoding takes
/// (`decodeSeconds`), so the last of them also waits while the stage's instances serve the ones
/// before it: at the stage's capacity `C` that takes `(k - 1) / C`, less the time decoding spreads
/// them over. Along a chain the slowest stage sets the pace (each stage passes the burst on at most
/// as fast as it serves it), so the pipeline adds `max(0, max_s (k_s - 1) / C_s - decodeSeconds)`:
/// taken over every stage, it bounds every path of a DAG.
public struct VideoBurst: Sendable, Codable, Equatable {
    /// Headroom grows at least by this factor per step when the burst does not fit the SLO.
    static let headroomStep = 1.1
    /// At most this many plans, and at most this much headroom, before the planner gives up.
    static let maxSteps = 60
    static let maxHeadroom = 10_000.0

    /// Seconds the burst adds to the steady worst case.
    public var latency: Double
    /// The stage whose burst drains slowest (nil when no stage gets more than one request per input).
    public var stage: String?
    /// Requests per input at that stage.
    public var requests: Double
    /// Seconds decoding spreads an input's requests over (0 when decoding is not counted).
    public var decodeSeconds: Double
    /// Capacity the models were planned for, as a multiple of the rate (1 when the burst fit).
    public var headroom: Double
    /// Seconds of the SLO kept for the burst: the models were planned within the SLO less this.
    public var reserve: Double = 0

    public init(latency: Double, stage: String?, requests: Double, decodeSeconds: Double, headroom: Double) {
        self.latency = latency
        self.stage = stage
        self.requests = requests
        self.decodeSeconds = decodeSeconds
        self.headroom = headroom
    }

    /// The burst of a plan's rows (`rows[i]` plans `stages[i]`).
    init(stages: [PlannerStage], rows: [ModelPlanRow], decodeSeconds: Double, headroom: Double) {
        var slowest: (stage: String, requests: Double, drain: Double)?
        for (stage, row) in zip(stages, rows) where stage.rateMultiplier > 1 && row.predictedThroughput > 0 {
            let drain = (stage.rateMultiplier - 1) / row.predictedThroughput
            if drain > slowest?.drain ?? 0 { slowest = (stage.name, stage.rateMultiplier, drain) }
        }
        self.init(latency: max(0, (slowest?.drain ?? 0) - decodeSeconds), stage: slowest?.stage,
                  requests: slowest?.requests ?? 1, decodeSeconds: decodeSeconds, headroom: headroom)
    }
}
