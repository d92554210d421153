import FramewisePlanner
import FramewiseRuntime

/// Why a plan cannot be applied to a pipeline.
public struct PlanApplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What does not fit.
    public var message: String
    public var description: String { "cannot apply the plan: \(message)" }
}

extension EngineConfiguration {
    /// This configuration with a capacity plan's rows applied: each planned stage's instances,
    /// batch limit and latency budget (its share of the SLO) go into `stages`, and `workers` (the
    /// plan's device count: GPUs or CPU workers), when given, becomes the number of worker
    /// threads. Every planned stage must be one of `pipelineStages`; stages the plan leaves out
    /// keep the defaults. An idle stage (0 instances) runs with one and the model's batch limit.
    public func applying(plan rows: [ModelPlanRow], workers: Int?, pipelineStages: [String]) throws(PlanApplicationError) -> EngineConfiguration {
        var config = self
        for row in rows {
            guard pipelineStages.contains(row.stage) else {
                throw PlanApplicationError(message: "the plan has stage '\(row.stage)', the pipeline has \(pipelineStages.joined(separator: ", "))")
            }
            guard row.instances >= 0, row.batchSize >= 0 else {
                throw PlanApplicationError(message: "stage '\(row.stage)' has \(row.instances) instances at batch \(row.batchSize)")
            }
            let budget = row.latencyBudget > 0 && row.latencyBudget.isFinite ? Duration.microseconds(Int64(row.latencyBudget * 1e6)) : nil
            config.stages[row.stage] = StageOverride(instances: max(1, row.instances),
                                                     batchLimit: row.batchSize > 0 ? row.batchSize : nil, budget: budget)
        }
        if let workers {
            guard workers >= 1 else { throw PlanApplicationError(message: "\(workers) workers") }
            config.workerThreads = workers
        }
        return config
    }
}
