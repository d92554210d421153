import FramewiseCore
import FramewisePlanner
import Testing

/// The tuner's search on synthetic profiles where the optimum is worked out by hand.
@Suite struct TuneSearchTests {
    /// A profile from milliseconds per batch size (mean = p99).
    static func profile(_ name: String, _ ms: [Int: Double], overheadMs: Double = 0) -> ModelProfile {
        ModelProfile(modelName: name, deviceName: "cpu", entries: ms.map { BatchProfile(batchSize: $0.key, latencyMean: $0.value / 1000) },
                     preprocessSeconds: overheadMs / 1000, intraOpThreads: 1)
    }

    /// original: 10/16/28 ms at batch 1/2/4 (7 ms an item at 4); int8: 4/6/10 ms, agreement 0.995;
    /// int8-bad (an over-quantized model): 1/1.5/2 ms, agreement 0.9.
    static let oneStage = TuneStage(name: "cls", candidates: [
        TuneCandidate(variant: "original", profile: profile("o", [1: 10, 2: 16, 4: 28]), agreement: 1),
        TuneCandidate(variant: "int8", profile: profile("q", [1: 4, 2: 6, 4: 10]), agreement: 0.995),
        TuneCandidate(variant: "bad", profile: profile("b", [1: 1, 2: 1.5, 4: 2]), agreement: 0.9),
    ], defaultBatch: 4)

    static let oneSampling = [TuneSampling(policy: "{fps: 2}", framesPerVideo: 20, decodeSeconds: 0.1, agreement: 1)]

    // (latency target s, floor) -> (variant, batch, meets target). Latency of a choice is 2 x batch latency.
    @Test(arguments: [
        (1.0, 0.99, "int8", 4, true),       // loose target: the cheapest accurate one at its best batch
        (0.015, 0.99, "int8", 2, true),     // 20 ms at batch 4 misses 15 ms; batch 2 (12 ms) fits
        (1.0, 0.999, "original", 4, true),  // int8 is not accurate enough
        (1.0, 0.8, "bad", 4, true),         // a low floor admits the bad variant
        (0.005, 0.99, "int8", 1, false),    // nothing fits 5 ms: the fastest accurate one (8 ms)
        (0.021, 1.0, "original", 1, true),  // only the original is accurate; 20 ms at batch 1 fits, 32 at 2 does not
    ])
    func oneStageOptimum(latency: Double, floor: Double, variant: String, batch: Int, meets: Bool) throws {
        let search = TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: TuneTarget(latency: latency, minAgreement: floor))
        let plan = try search.search()
        let choice = try #require(plan.stage("cls"))
        #expect(choice.variant == variant)
        #expect(choice.batch == batch)
        #expect(plan.meetsTarget == meets)
    }

    @Test func costIsCoreSecondsPerVideoAndDollarsFollowThePrice() throws {
        let target = TuneTarget(latency: 1, minAgreement: 0.99, rate: 10, pricePerCoreHour: 0.036)
        let search = TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target)
        let plan = try search.search()
        // int8 at batch 4: 20 frames x 10 ms / 4 = 0.05 core-s, plus 0.1 s decoding.
        #expect(abs(plan.costPerVideo - 0.15) < 1e-9)
        #expect(abs((plan.dollarsPer1000Videos ?? 0) - 0.15 * 1000 / 3600 * 0.036) < 1e-12)
        // 10 videos/s x 20 frames x 2.5 ms = 0.5 of an instance: one.
        #expect(plan.stage("cls")?.instances == 1)
        let reference = try search.reference()
        #expect(reference.stage("cls")?.variant == "original")
        #expect(abs(reference.costPerVideo - (20 * 0.007 + 0.1)) < 1e-9)
        #expect(reference.stage("cls")?.instances == 2)  // 10 x 20 x 7 ms = 1.4
    }

    /// A video alone: the slowest of decoding, a stage draining its items on its instances and threads,
    /// and the whole cost over the cores, then one frame's path. Worked by hand on the one-stage problem.
    @Test func aVideoAloneTakesItsStreamsBoundPlusOneFramesPath() throws {
        let target = TuneTarget(latency: 1, minAgreement: 0.99)
        // int8 at batch 4: 20 frames x 2.5 ms = 0.05 s of the stage, decoding 0.1 s, cost 0.15 core-s:
        // on 1 core the cost bounds it (0.15), on 2 the decoding (0.1); plus 2 x 10 ms for the last frame.
        let one = try TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target, cores: 1).search()
        #expect(abs((one.videoLatency ?? 0) - (0.15 + 0.02)) < 1e-9)
        let two = try TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target, cores: 2).search()
        #expect(abs((two.videoLatency ?? 0) - (0.1 + 0.02)) < 1e-9)
        // The reference on 4 cores: the original at batch 4 drains 20 x 7 ms = 0.14 s, more than decoding (0.1) and 0.24 / 4.
        let reference = try TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target, cores: 4).reference()
        #expect(abs((reference.videoLatency ?? 0) - (0.14 + 0.056)) < 1e-9)
        // Two instances halve a stage's drain, two threads too (a choice's cost is in core-seconds).
        var choice = try #require(reference.stage("cls"))
        choice.instances = 2
        #expect(abs(TuneSearch.videoLatency(decodeSeconds: 0, costPerVideo: 0, choices: [choice], frameLatency: 0, cores: 8) - 0.07) < 1e-9)
        choice.threads = 2
        choice.costPerVideo *= 2
        #expect(abs(TuneSearch.videoLatency(decodeSeconds: 0, costPerVideo: 0, choices: [choice], frameLatency: 0, cores: 8) - 0.07) < 1e-9)
    }

    @Test func theEnginesOverheadPerFrameIsMeasuredOnTheReferenceAndPricedIntoEveryPlan() throws {
        let target = TuneTarget(latency: 1, minAgreement: 0.99)
        let bare = try TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target).reference()
        // The reference run measured 0.04 core-s/video more than its profiles: 2 ms over each of its 20 frames.
        let overhead = TuneSearch.engineOverheadPerFrame(measuredCostPerVideo: bare.costPerVideo + 0.04, reference: bare)
        #expect(abs(overhead - 0.002) < 1e-12)
        // Measured below the profiles (noise): no negative overhead.
        #expect(TuneSearch.engineOverheadPerFrame(measuredCostPerVideo: bare.costPerVideo - 0.1, reference: bare) == 0)
        let priced = TuneSearch(stages: [Self.oneStage], samplings: Self.oneSampling, target: target, engineOverheadPerFrame: overhead)
        #expect(abs(try priced.reference().costPerVideo - (bare.costPerVideo + 0.04)) < 1e-9)
        let tuned = try priced.search()
        // int8 at batch 4 as before, plus 20 frames x 2 ms.
        #expect(tuned.stage("cls")?.variant == "int8")
        #expect(abs(tuned.costPerVideo - (0.15 + 0.04)) < 1e-9)
    }

    @Test func overheadPerFrameFavoursSparserSamplingOnlyByWhatItSaves() throws {
        // fps 1 halves the frames; with 10 ms of overhead a frame the saving grows from 0.05 to 0.15 core-s.
        let samplings = [TuneSampling(policy: "{fps: 2}", framesPerVideo: 20, decodeSeconds: 0.1, agreement: 1),
                         TuneSampling(policy: "{fps: 1}", framesPerVideo: 10, decodeSeconds: 0.1, agreement: 1)]
        let target = TuneTarget(latency: 1, minAgreement: 0.99)
        let plain = try TuneSearch(stages: [Self.oneStage], samplings: samplings, target: target).search()
        let priced = try TuneSearch(stages: [Self.oneStage], samplings: samplings, target: target, engineOverheadPerFrame: 0.01).search()
        #expect(plain.sampling == "{fps: 1}" && priced.sampling == "{fps: 1}")
        #expect(abs((priced.costPerVideo - plain.costPerVideo) - 10 * 0.01) < 1e-9)
    }

    /// Per-item cost nearly flat from batch 4 up (6.6 / 6.4 / 6.5 ms an item at 4 / 8 / 16): the largest
    /// batch within the margin of the cheapest is chosen, and noise of a few percent does not move it.
    @Test(arguments: [(26.4, 51.2, 104.0), (25.4, 52.9, 101.0), (27.5, 50.1, 106.5)] as [(Double, Double, Double)])
    func batchLimitIsStableUnderNoise(b4: Double, b8: Double, b16: Double) throws {
        let stage = TuneStage(name: "cls", candidates: [
            TuneCandidate(variant: "original", profile: Self.profile("o", [1: 20, 2: 39, 4: 78, 8: 164, 16: 330]), agreement: 1),
            TuneCandidate(variant: "int8", profile: Self.profile("q", [1: 7.9, 2: 15.0, 4: b4, 8: b8, 16: b16]), agreement: 1),
        ], defaultBatch: 8)
        let plan = try TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 2, minAgreement: 0.99)).search()
        #expect(plan.stage("cls")?.variant == "int8")
        #expect(plan.stage("cls")?.batch == 16)
        // A tight target leaves only the small batches: the largest that fits (2 x 15 ms = 30 ms).
        let tight = try TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 0.035, minAgreement: 0.99)).search()
        #expect(tight.stage("cls")?.batch == 2)
    }

    @Test func slackIsTheStagesShareOfTheLongestPathThroughIt() throws {
        // a -> b in series, c beside them: reference latencies 2 x 10, 2 x 30, 2 x 5 ms.
        let stages = [
            TuneStage(name: "a", candidates: [TuneCandidate(variant: "original", profile: Self.profile("a", [1: 10]), agreement: 1)], defaultBatch: 1),
            TuneStage(name: "b", inputs: ["a"], candidates: [TuneCandidate(variant: "original", profile: Self.profile("b", [1: 30]), agreement: 1)], defaultBatch: 1),
            TuneStage(name: "c", candidates: [TuneCandidate(variant: "original", profile: Self.profile("c", [1: 5]), agreement: 1)], defaultBatch: 1),
        ]
        let search = TuneSearch(stages: stages, samplings: Self.oneSampling, target: TuneTarget(latency: 0.1, minAgreement: 0.99))
        let slacks = try search.slacks()
        #expect(abs(slacks[0] - 0.025) < 1e-12 && abs(slacks[1] - 0.075) < 1e-12 && abs(slacks[2] - 0.1) < 1e-12)
        let plan = try search.search()
        #expect(abs(plan.latency - 0.08) < 1e-12)  // a then b; c in parallel
        #expect(plan.meetsTarget)
    }

    /// A dynamic size is chosen like any candidate and keeps both its axes in the choice and its label.
    @Test func aDynamicSizeCandidateIsChosenWithBothAxes() throws {
        let stage = TuneStage(name: "det", candidates: [
            TuneCandidate(variant: "original", profile: Self.profile("o", [1: 60, 2: 118]), agreement: 1),
            TuneCandidate(variant: "original", dynamicWidth: 32, dynamicHeight: 32, profile: Self.profile("d", [1: 45, 2: 90]), agreement: 0.98),
        ], defaultBatch: 2)
        let search = TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 1, minAgreement: 0.95))
        let choice = try #require(try search.search().stage("det"))
        #expect(choice.dynamicWidth == 32 && choice.dynamicHeight == 32 && choice.inputSize == nil)
        #expect(choice.label == "original~32x~32/t1")
        #expect(stage.candidates[1].outputLabel == "original~32x~32")
        // Below its agreement the written size stays.
        let strict = TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 1, minAgreement: 0.99))
        #expect(try strict.search().stage("det")?.dynamicHeight == nil)
    }

    @Test func theCheapestAccurateSamplingWins() throws {
        let samplings = [
            TuneSampling(policy: "{fps: 2}", framesPerVideo: 20, decodeSeconds: 0.1, agreement: 1),
            TuneSampling(policy: "{fps: 1}", framesPerVideo: 10, decodeSeconds: 0.09, agreement: 0.995),
            TuneSampling(policy: "{fps: 0.5}", framesPerVideo: 5, decodeSeconds: 0.085, agreement: 0.9),
        ]
        let search = TuneSearch(stages: [Self.oneStage], samplings: samplings, target: TuneTarget(latency: 1, minAgreement: 0.99))
        let plan = try search.search()
        #expect(plan.sampling == "{fps: 1}")
        #expect(abs(plan.costPerVideo - (0.09 + 10 * 0.0025)) < 1e-9)
        // Verification refused fps 1 and int8: back to fps 2 and the original.
        let fallback = try search.search(excluded: ["cls": ["int8/t1"]], excludedSamplings: ["{fps: 1}"])
        #expect(fallback.sampling == "{fps: 2}")
        #expect(fallback.stage("cls")?.variant == "original")
    }

    @Test func theSameInputsGiveTheSameChoice() throws {
        // Two candidates that cost the same: the earlier one wins, every time.
        var stage = Self.oneStage
        stage.candidates.append(TuneCandidate(variant: "int8-copy", profile: Self.profile("q2", [1: 4, 2: 6, 4: 10]), agreement: 0.995))
        let search = TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 1, minAgreement: 0.99))
        let plans = try (0..<5).map { _ in try search.search() }
        #expect(plans.allSatisfy { $0 == plans[0] })
        #expect(plans[0].stage("cls")?.variant == "int8")
    }

    @Test func aChoiceNeverCostsMoreThanTheReferenceThatFits() throws {
        // Batch 1 costs 10 ms an item, the reference's batch 4 costs 9.75: within the margin of each
        // other, so the incumbent (the reference) stays; batch 1 must not win by coming first.
        let stage = TuneStage(name: "s", candidates: [TuneCandidate(variant: "original", profile: Self.profile("o", [1: 10, 4: 39]), agreement: 1)],
                              defaultBatch: 4)
        let search = TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 1, minAgreement: 0.99))
        let plan = try search.search()
        #expect(plan.stage("s")?.batch == 4)
        #expect(plan.costPerVideo <= (try search.reference()).costPerVideo)
    }

    @Test func badInputsAreRefused() {
        var stage = Self.oneStage
        stage.defaultBatch = 8
        #expect(throws: TuneSearchError.self) {
            try TuneSearch(stages: [stage], samplings: Self.oneSampling, target: TuneTarget(latency: 1, minAgreement: 0.99)).search()
        }
        #expect(throws: TuneSearchError.self) {
            try TuneSearch(stages: [Self.oneStage], samplings: [], target: TuneTarget(latency: 1, minAgreement: 0.99)).search()
        }
    }
}
