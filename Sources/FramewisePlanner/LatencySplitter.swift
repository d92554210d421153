import FramewiseCore

/// Splits a whole-pipeline latency SLO over the stages of its DAG by dynamic programming, the way
/// Nexus' `ComplexQuery` does: add stages, give a rate, read the budgets.
///
/// The SLO is cut into `segments` equal steps; a stage's cost at budget `t` is the devices it
/// needs, `rate * rateMultiplier / throughput(t)`, where `throughput(t)` is the best `b / l(b)`
/// with `2 * l(b) + pre + post <= t` (the packer's saturate rule). Over the series-parallel
/// decomposition of the DAG, a series composition takes the min-plus convolution of its parts and
/// a parallel one (a fork-join) gives every branch the same window and adds their costs, so the
/// join waits for the slowest branch. The result is the optimum over the grid for
/// series-parallel DAGs.
public struct LatencySplitter: Sendable {
    /// A stage to split the SLO over.
    public struct Stage: Sendable {
        /// Unique stage name.
        public var name: String
        /// The stage model's profile on the target device.
        public var profile: ModelProfile
        /// Names of the stages it waits for.
        public var inputs: [String]
        /// Requests per pipeline input (fan-out included).
        public var rateMultiplier: Double
    }

    /// Stages in insertion order.
    public private(set) var stages: [Stage] = []
    /// Whole-pipeline SLO, seconds.
    public var slo: Double
    /// Number of budget steps (grid resolution).
    public var segments: Int
    /// Latency statistic to plan with.
    public var statistic: LatencyStatistic
    /// Device memory cap for batches (nil: unlimited).
    public var deviceMemoryBytes: Int?

    public init(slo: Double, segments: Int = 100, statistic: LatencyStatistic = .p99, deviceMemoryBytes: Int? = nil) {
        self.slo = slo
        self.segments = segments
        self.statistic = statistic
        self.deviceMemoryBytes = deviceMemoryBytes
    }

    /// Adds a stage that starts when all of `inputs` are done.
    public mutating func addStage(name: String, profile: ModelProfile, inputs: [String] = [], rateMultiplier: Double = 1) {
        stages.append(Stage(name: name, profile: profile, inputs: inputs, rateMultiplier: rateMultiplier))
    }

    /// The budget of `segment` steps, seconds.
    public func budget(segment: Int) -> Double { slo * Double(segment) / Double(segments) }

    /// `costTable(rate:)[stage][segment]`: devices the stage needs at `rate` pipeline inputs per
    /// second within `segment` steps (`.infinity` when no batch fits). For reference solvers.
    public func costTable(rate: Double) throws(PlannerError) -> [[Double]] {
        try StageCosts(splitter: self, rate: rate).table
    }

    /// Budgets per stage minimising the total devices at `rate` pipeline inputs per second.
    public func split(rate: Double) throws(PlannerError) -> LatencySplit {
        guard slo.isFinite, slo > 0 else { throw .invalidSLO(model: "pipeline", slo: slo) }
        let names = stages.map(\.name)
        let parents = try StageGraph.parents(names: names, inputs: stages.map(\.inputs), rates: stages.map(\.rateMultiplier))
        let order = try StageGraph.topologicalOrder(parents: parents, names: names)
        let costs = try StageCosts(splitter: self, rate: rate)
        let (tree, exact) = SeriesParallel.decompose(parents: parents, order: order)
        let solved = SolvedTree(tree, costs: costs.table)
        guard solved.table[segments].isFinite else {
            let minimum = StageGraph.longestPath(parents: parents, weights: costs.minimumLatency, order: order)
            throw .sloBelowMinimumLatency(model: "pipeline", slo: slo, minimum: minimum)
        }
        var assigned = Array(repeating: 0, count: stages.count)
        solved.assign(segments, into: &assigned)
        let budgets = stages.indices.map { i in
            StageBudget(stage: stages[i].name, budget: budget(segment: assigned[i]), segments: assigned[i],
                        rate: rate * stages[i].rateMultiplier, cost: costs.table[i][assigned[i]])
        }
        return LatencySplit(budgets: budgets, totalCost: solved.table[segments], isExact: exact)
    }
}
