import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// Early drop (Nexus' rule) and run-late-and-mark, with a model too slow for the SLO.
@Suite struct DeadlineTests {
    static func slowPipeline() throws -> LoadedPipeline {
        let slow = FakeSession.slow(name: "slow", width: 8, height: 8, seconds: 0.03, value: 1)
        let spec = PipelineSpec(name: "t", sampling: .everyFrame,
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8), batchLimit: 2)],
                                stages: [StageSpec(name: "s", model: "m")])
        return try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": slow]))
    }

    static func run(policy: EngineConfiguration.LatePolicy) async throws -> (VideoResult, RunReport) {
        var config = EngineConfiguration(decoders: 1, workerThreads: 1)
        config.slo = .milliseconds(300)
        config.latePolicy = policy
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let sink = MemorySink()
        let report = try await StreamingEngine(pipeline: try slowPipeline(), configuration: config).run(videos: [video], sink: sink)
        return (try #require(await sink.results.first), report)
    }

    @Test func framesThatCannotMeetTheDeadlineAreDroppedBeforeTakingASlot() async throws {
        // 100 frames at ~15 ms each cannot finish within 300 ms.
        let (result, report) = try await Self.run(policy: .drop)
        #expect(result.status == .ok)
        #expect(result.frames.count == 100)
        let stage = try #require(report.stages["s"])
        #expect(stage.dropped > 0 && stage.items > 0)
        #expect(stage.dropped + stage.items == 100, "every frame either ran or was dropped")
        let droppedFrames = result.frames.filter { $0.outputs.first?.value == .object(["dropped": .string("deadline")]) }
        #expect(droppedFrames.count == stage.dropped)
        #expect(result.stats.stages["s"]?.dropped == stage.dropped)
    }

    @Test func lateFramesRunAndAreMarked() async throws {
        let (result, report) = try await Self.run(policy: .markLate)
        let stage = try #require(report.stages["s"])
        #expect(stage.dropped == 0 && stage.items == 100)
        #expect(stage.late > 0)
        let marked = result.frames.filter { $0.outputs.contains { $0.key == "late" && $0.value == .bool(true) } }
        #expect(marked.count == stage.late)
    }
}
