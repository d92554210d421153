/// What the runtime needs of one stage of a capacity plan.
public struct StagePlanEntry: Sendable, Equatable, Codable {
    /// Stage name.
    public var stage: String
    /// Instances (concurrent batches) of the stage; 0 means an idle stage, run with one.
    public var instances: Int
    /// Largest batch each instance forms; 0 keeps the model's limit.
    public var batchSize: Int
    /// The stage's share of the pipeline's latency SLO (the plan's split), seconds; nil: none.
    public var latencyBudget: Double?

    public init(stage: String, instances: Int, batchSize: Int, latencyBudget: Double? = nil) {
        self.stage = stage
        self.instances = instances
        self.batchSize = batchSize
        self.latencyBudget = latencyBudget
    }
}

/// Why a plan cannot be applied to a pipeline.
public struct PlanApplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What does not fit.
    public var message: String
    public var description: String { "cannot apply the plan: \(message)" }
}

extension EngineConfiguration {
    /// This configuration with a capacity plan applied: each planned stage's instances and batch
    /// limit go into `stages`, and `workers` (the plan's device count: GPUs or CPU workers), when
    /// given, becomes the number of worker threads. Every planned stage must be one of
    /// `pipelineStages`; pipeline stages the plan leaves out keep the defaults.
    public func applying(plan: [StagePlanEntry], workers: Int?, pipelineStages: [String]) throws(PlanApplicationError) -> EngineConfiguration {
        var config = self
        for entry in plan {
            guard pipelineStages.contains(entry.stage) else {
                throw PlanApplicationError(message: "the plan has stage '\(entry.stage)', the pipeline has \(pipelineStages.joined(separator: ", "))")
            }
            guard entry.instances >= 0, entry.batchSize >= 0 else {
                throw PlanApplicationError(message: "stage '\(entry.stage)' has \(entry.instances) instances at batch \(entry.batchSize)")
            }
            let budget = entry.latencyBudget.flatMap { $0 > 0 && $0.isFinite ? Duration.microseconds(Int64($0 * 1e6)) : nil }
            config.stages[entry.stage] = StageOverride(instances: max(1, entry.instances),
                                                       batchLimit: entry.batchSize > 0 ? entry.batchSize : nil, budget: budget)
        }
        if let workers {
            guard workers >= 1 else { throw PlanApplicationError(message: "\(workers) workers") }
            config.workerThreads = workers
        }
        return config
    }
}
