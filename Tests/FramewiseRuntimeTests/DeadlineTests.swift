import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// Early drop (Nexus' rule) and run-late-and-mark, with a model too slow for the SLO.
@Suite struct DeadlineTests {
    /// One stage whose model takes `seconds` per batch of 2.
    static func slowPipeline(seconds: Double = 0.03) throws -> LoadedPipeline {
        let slow = FakeSession.slow(name: "slow", width: 8, height: 8, seconds: seconds, value: 1)
        let spec = PipelineSpec(name: "t", sampling: .everyFrame,
                                models: [ModelSpec(name: "m", path: "/m", preprocess: PreprocessSpec(width: 8, height: 8), batchLimit: 2)],
                                stages: [StageSpec(name: "s", model: "m")])
        return try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": slow]))
    }

    static func run(policy: EngineConfiguration.LatePolicy, slo: Duration = .milliseconds(300), budget: Duration? = nil,
                    secondsPerBatch: Double = 0.03) async throws -> (VideoResult, RunReport) {
        var config = EngineConfiguration(decoders: 1, workerThreads: 1)
        config.slo = slo
        if let budget { config.stages["s"] = .init(budget: budget) }
        config.latePolicy = policy
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let sink = MemorySink()
        let report = try await StreamingEngine(pipeline: try slowPipeline(seconds: secondsPerBatch), configuration: config).run(videos: [video], sink: sink)
        return (try #require(await sink.results.first), report)
    }

    @Test func framesThatCannotMeetTheDeadlineAreDroppedBeforeTakingASlot() async throws {
        // 100 frames at ~150 ms each (15 s of work) cannot finish within 5 s; the first ones can, even
        // when other suites load the machine (the frames past the deadline are dropped without running).
        let (result, report) = try await Self.run(policy: .drop, slo: .seconds(5), secondsPerBatch: 0.3)
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

    @Test func aStageBudgetFromAPlanDropsWhatMissesItsShareEvenWithinTheVideoSLO() async throws {
        // The video's SLO (60 s) is never at risk, but the stage's budget (20 ms from a frame's
        // arrival) is shorter than one batch of this model (30 ms): frames are dropped at the stage.
        let (tight, tightReport) = try await Self.run(policy: .drop, slo: .seconds(60), budget: .milliseconds(20))
        let dropped = try #require(tightReport.stages["s"]).dropped
        #expect(dropped > 0 && tight.frames.count == 100)
        // A generous budget drops nothing.
        let (_, looseReport) = try await Self.run(policy: .drop, slo: .seconds(60), budget: .seconds(60))
        #expect(try #require(looseReport.stages["s"]).dropped == 0)
        #expect(try #require(looseReport.stages["s"]).items == 100)
    }
}

/// The engine reads time from the clock it is given: deadlines, arrivals and batch timing.
@Suite struct InjectedClockTests {
    @Test func deadlinesFollowTheInjectedClock() async throws {
        var config = EngineConfiguration(decoders: 1, workerThreads: 1)
        config.slo = .seconds(60)
        config.latePolicy = .drop
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        // On the real clock 100 frames at ~15 ms finish well within 60 s, even on a loaded machine: nothing is dropped.
        let real = try await StreamingEngine(pipeline: try DeadlineTests.slowPipeline(), configuration: config).run(videos: [video], sink: MemorySink())
        #expect(try #require(real.stages["s"]).dropped == 0)
        // On a clock 1,000 times as fast, the same 60 s pass in 60 ms of real time: frames are dropped.
        let fast = try await StreamingEngine(pipeline: try DeadlineTests.slowPipeline(), configuration: config,
                                             clock: { EngineClock(ScaledClock(factor: 1000)) }).run(videos: [video], sink: MemorySink())
        let stage = try #require(fast.stages["s"])
        #expect(stage.dropped > 0)
        #expect(stage.dropped + stage.items == 100)
        #expect(fast.wallSeconds > 1, "the report's wall time is on the injected clock too: \(fast.wallSeconds)")
    }

    @Test func engineClockWrapsAnyClock() async throws {
        let clock = EngineClock(ScaledClock(factor: 0))
        #expect(clock.now == EngineClock.Instant(offset: .zero), "a frozen clock stays at its origin")
        let fast = EngineClock(ScaledClock(factor: 500))
        let start = fast.now
        try await fast.sleep(for: .seconds(1))  // 2 ms of real time
        #expect(start.duration(to: fast.now) >= .seconds(1))
    }
}
