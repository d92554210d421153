/// One stage's share of the pipeline SLO.
public struct StageBudget: Sendable, Codable, Equatable {
    /// Stage name.
    public var stage: String
    /// Latency budget, seconds (a multiple of SLO / segments).
    public var budget: Double
    /// The budget in segments.
    public var segments: Int
    /// Requests per second at this stage.
    public var rate: Double
    /// Devices this stage needs within its budget (fractional: rate / best throughput).
    public var cost: Double
}

/// The result of splitting a pipeline SLO over its stages.
public struct LatencySplit: Sendable, Codable, Equatable {
    /// Budgets in the splitter's stage order. Along every path, budgets sum to at most the SLO.
    public var budgets: [StageBudget]
    /// Sum of the stages' costs: the minimum over all budget splits on the grid.
    public var totalCost: Double
    /// False when the DAG was not series-parallel and was serialized conservatively (the split is
    /// then safe but may cost more than the optimum).
    public var isExact: Bool
}
