/// One stage of a pipeline, for planning: which model it runs, which stages feed it, and how many
/// requests it gets per pipeline input.
public struct PlannerStage: Sendable, Codable, Equatable {
    /// Unique stage name.
    public var name: String
    /// Model hash (or name) to look the profile up by.
    public var model: String
    /// Names of the stages this one waits for (empty for a source stage).
    public var inputs: [String]
    /// Requests at this stage per pipeline input, counting fan-out (e.g. 30 frames per video
    /// times 2 faces per frame = 60). Relative to the pipeline input, not to the parent stage.
    public var rateMultiplier: Double

    public init(name: String, model: String, inputs: [String] = [], rateMultiplier: Double = 1) {
        self.name = name
        self.model = model
        self.inputs = inputs
        self.rateMultiplier = rateMultiplier
    }
}

/// A pipeline as the planner sees it: a DAG of model stages. The end-to-end latency of an input is
/// the longest path of stage latencies; a stage starts when all its inputs are done.
public struct PlannerPipeline: Sendable, Codable, Equatable {
    /// Pipeline name (used in errors).
    public var name: String
    /// Stages in any order.
    public var stages: [PlannerStage]

    public init(name: String = "pipeline", stages: [PlannerStage]) {
        self.name = name
        self.stages = stages
    }

    /// Stage indices of each stage's inputs, after checking names, rates and acyclicity.
    func parentIndices() throws(PlannerError) -> [[Int]] {
        try StageGraph.parents(names: stages.map(\.name), inputs: stages.map(\.inputs), rates: stages.map(\.rateMultiplier))
    }
}
