import FramewiseCore
import FramewiseRuntime
import Testing

/// A capacity plan's stages reach the streaming engine's configuration.
@Suite struct PlanApplicationTests {
    static let stages = ["nsfw", "faces"]

    @Test func instancesBatchesAndWorkersReachTheConfiguration() throws {
        let base = EngineConfiguration(workerThreads: 8, instancesPerStage: 1)
        let plan = [StagePlanEntry(stage: "nsfw", instances: 3, batchSize: 4), StagePlanEntry(stage: "faces", instances: 1, batchSize: 2)]
        let config = try base.applying(plan: plan, workers: 2, pipelineStages: Self.stages)
        #expect(config.stages["nsfw"] == .init(instances: 3, batchLimit: 4))
        #expect(config.stages["faces"] == .init(instances: 1, batchLimit: 2))
        #expect(config.instances(of: "nsfw") == 3)
        #expect(config.instances(of: "faces") == 1)
        #expect(config.workerThreads == 2)
        #expect(config.decoders == base.decoders, "the rest is untouched")
    }

    @Test func idleStagesGetOneInstanceAndTheModelsBatchLimit() throws {
        let config = try EngineConfiguration(workerThreads: 4).applying(
            plan: [StagePlanEntry(stage: "faces", instances: 0, batchSize: 0)], workers: nil, pipelineStages: Self.stages)
        #expect(config.stages["faces"] == .init(instances: 1, batchLimit: nil))
        #expect(config.stages["nsfw"] == nil, "stages the plan leaves out keep the defaults")
        #expect(config.workerThreads == 4, "no device count: worker threads unchanged")
    }

    @Test(arguments: [
        ([StagePlanEntry(stage: "ocr", instances: 1, batchSize: 1)], 1 as Int?),
        ([StagePlanEntry(stage: "nsfw", instances: -1, batchSize: 1)], 1),
        ([StagePlanEntry(stage: "nsfw", instances: 1, batchSize: 1)], 0),
    ])
    func mismatchedPlansAreRejected(plan: [StagePlanEntry], workers: Int?) {
        #expect(throws: PlanApplicationError.self) {
            try EngineConfiguration().applying(plan: plan, workers: workers, pipelineStages: Self.stages)
        }
    }
}
