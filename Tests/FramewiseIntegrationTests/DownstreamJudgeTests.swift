import Foundation
import FramewiseCore
import FramewiseOptimize
import FramewisePlanner
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The tuner judges a stage that feeds others by what the pipeline outputs downstream of it.
@Suite struct DownstreamJudgeTests {
    @Test func theLastStagesDownstreamOfAStage() throws {
        let ocr = try PipelineLoader.load(path: Examples.pipelinePath("ocr"))
        #expect(DownstreamJudge.leaves(of: "det", in: ocr) == ["text"])
        #expect(DownstreamJudge.leaves(of: "orient", in: ocr) == ["text"])
        #expect(DownstreamJudge.leaves(of: "text", in: ocr).isEmpty)
        let synthetic = try PipelineLoader.load(path: Examples.pipelinePath("synthetic"))
        #expect(DownstreamJudge.leaves(of: "left", in: synthetic) == ["head"])
        #expect(DownstreamJudge.leaves(of: "right", in: synthetic) == ["head"])
        #expect(DownstreamJudge.leaves(of: "head", in: synthetic).isEmpty)
    }

    /// OCR's detector at a smaller input: its agreement becomes that of the lines the recogniser
    /// reads, the same figure as a run of the pipeline with that size written in its YAML gives;
    /// a candidate of the last stage, and the detector's written configuration, keep theirs.
    @Test func aDetectorCandidateIsJudgedByTheLinesItsBoxesRead() async throws {
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let path = Examples.pipelinePath("ocr")
        let spec = try PipelineLoader.load(path: path)
        let backend = try Examples.backend()
        let reference = try await Examples.run(LoadedPipeline(spec: spec, backend: backend), [video])
        let judge = DownstreamJudge(reference: spec, referenceResults: reference, videos: [video], backend: backend)
        let profile = ModelProfile(modelName: "det", deviceName: "cpu", entries: [BatchProfile(batchSize: 1, latencyMean: 0.01)])
        let written = TuneCandidate(variant: "original", threads: 1, profile: profile, agreement: 1)
        let smaller = TuneCandidate(variant: "original", inputSize: [320, 192], threads: 1, profile: profile, agreement: 0.123)
        let smallerTwoThreads = TuneCandidate(variant: "original", inputSize: [320, 192], threads: 2, profile: profile, agreement: 0.123)
        let (judged, notes) = try await judge.judge(stage: "det", candidates: [written, smaller, smallerTwoThreads])
        #expect(judged[0].agreement == 1)
        #expect(judged[1].agreement != 0.123 && (0...1).contains(judged[1].agreement))
        #expect(judged[2].agreement == judged[1].agreement, "threads do not change outputs: one run per size")
        #expect(notes.count == 1 && notes[0].contains("feeds text") && notes[0].contains("own output 0.123"), "\(notes)")

        // The same size written in the pipeline file and run as a user would.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var editor = YAMLTextEditor(text: text)
        try editor.set(["models", "det", "preprocess", "size"], to: "[320, 192]")
        let edited = try PipelineLoader.parse(yaml: editor.text, file: path, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        let changed = try DownstreamJudge.spec(spec, changing: "det", to: smaller)
        #expect(changed.models.first { $0.name == "det" }?.preprocess == edited.models.first { $0.name == "det" }?.preprocess)
        let run = try await Examples.run(LoadedPipeline(spec: edited, backend: backend), [video])
        #expect(judged[1].agreement == DownstreamJudge.agreement(reference, run, leaves: ["text"]))

        // The last stage is judged by its own output, as measured.
        let recogniser = TuneCandidate(variant: "original", inputSize: [320, 48], threads: 1, profile: profile, agreement: 0.5)
        let (unchanged, none) = try await judge.judge(stage: "text", candidates: [recogniser])
        #expect(unchanged[0].agreement == 0.5 && none.isEmpty)
    }

    /// Before a whole-pipeline round, the changed stages sharing an output are run alone; one that
    /// disagrees alone is refused with every thread count, the search moves on to the next candidate,
    /// and each candidate is measured alone only once.
    @Test func stagesSharingAnOutputAreVerifiedAloneFirst() async throws {
        let ocr = try PipelineLoader.load(path: Examples.pipelinePath("ocr"))
        func profile(_ ms: Double) -> ModelProfile {
            ModelProfile(modelName: "m", deviceName: "cpu", entries: [BatchProfile(batchSize: 1, latencyMean: ms / 1000)], intraOpThreads: 1)
        }
        // The detector: written 60 ms; 320x192 at 20 ms (fails alone, also at 2 threads); dynamic size at 45 ms (passes).
        let det = TuneStage(name: "det", candidates: [
            TuneCandidate(variant: "original", profile: profile(60), agreement: 1),
            TuneCandidate(variant: "original", inputSize: [320, 192], threads: 1, profile: profile(20), agreement: 0.97),
            TuneCandidate(variant: "original", inputSize: [320, 192], threads: 2, profile: profile(11), agreement: 0.97),
            TuneCandidate(variant: "original", dynamicWidth: 32, dynamicHeight: 32, profile: profile(45), agreement: 0.99),
        ], defaultBatch: 1)
        let orient = TuneStage(name: "orient", inputs: ["det"], candidates: [TuneCandidate(variant: "original", profile: profile(2), agreement: 1)], defaultBatch: 1)
        let text = TuneStage(name: "text", inputs: ["det", "orient"], candidates: [
            TuneCandidate(variant: "original", profile: profile(30), agreement: 1),
            TuneCandidate(variant: "original", dynamicWidth: 32, profile: profile(18), agreement: 1),
        ], defaultBatch: 1)
        let stages = [det, orient, text]
        let searcher = TuneSearch(stages: stages, samplings: [TuneSampling(policy: "{fps: 1}", framesPerVideo: 6, agreement: 1)],
                                  target: TuneTarget(latency: 10, minAgreement: 0.95))
        let first = try searcher.search()
        #expect(first.stage("det")?.inputSize == [320, 192] && first.stage("text")?.dynamicWidth == 32)
        #expect(DownstreamJudge.sharingAnOutput(changed: DownstreamJudge.changed(first, stages: stages), in: ocr).map(\.stage) == ["det", "text"])
        let calls = Calls()
        var verification = AloneVerification(reference: ocr, stages: stages, floor: 0.95) { stage, candidate in
            await calls.add(stage + " " + candidate.outputLabel)
            return candidate.inputSize == [320, 192] ? 0.83 : 0.99
        }
        var excluded: [String: Set<String>] = [:], fallbacks: [String] = []
        let settled = try await verification.settle(first, reference: try searcher.reference(), searcher: searcher, excluded: &excluded,
                                                    excludedSamplings: [], fallbacks: &fallbacks)
        #expect(settled.stage("det")?.dynamicHeight == 32 && settled.stage("text")?.dynamicWidth == 32)
        #expect(excluded["det"] == ["original@320x192/t1", "original@320x192/t2"])
        #expect(fallbacks.count == 1 && fallbacks[0].contains("det: original@320x192") && fallbacks[0].contains("text agreed on 0.830"), "\(fallbacks)")
        // Settling again measures nothing new.
        _ = try await verification.settle(settled, reference: try searcher.reference(), searcher: searcher, excluded: &excluded,
                                          excludedSamplings: [], fallbacks: &fallbacks)
        #expect(await calls.all == ["det original@320x192", "text original~32", "det original~32x~32"])
        // Stages judged by outputs of their own share none (moderation's two models).
        let moderation = try PipelineLoader.load(path: Examples.pipelinePath("moderation"))
        let both = moderation.stages.map { DownstreamJudge.Changed(stage: $0.name, label: "int8/t1", searched: 0.99) }
        #expect(DownstreamJudge.sharingAnOutput(changed: both, in: moderation).isEmpty)
    }

    actor Calls {
        var all: [String] = []
        func add(_ call: String) { all.append(call) }
    }

    /// Verification falls back, for each output that disagrees, the changed stage behind it chosen with
    /// the lowest agreement; stages judged by different outputs fall back independently.
    @Test func verificationFallsBackTheLikeliestCause() throws {
        let ocr = try PipelineLoader.load(path: Examples.pipelinePath("ocr"))
        let orient = DownstreamJudge.Changed(stage: "orient", label: "int8@128x32/t1", searched: 0.987)
        let text = DownstreamJudge.Changed(stage: "text", label: "original@224x48/t1", searched: 0.975)
        let det = DownstreamJudge.Changed(stage: "det", label: "original/t2", searched: 1)
        // The detector's own boxes disagree (0.6) but it is judged by the lines; nothing was run alone
        // (an interaction): only the likeliest, the recogniser, goes.
        let lines = DownstreamJudge.refusals(changed: [det, orient, text], in: ocr, perStage: ["det": 0.6, "orient": 0.9, "text": 0.82], floor: 0.95)
        #expect(lines.count == 1 && lines.first?.stage == "text" && lines.first?.label == "original@224x48/t1" && lines.first?.measured == 0.82)
        // Run alone, the orientation choice moves the lines and the recogniser's does not: the orientation goes.
        let alone = DownstreamJudge.refusals(changed: [det, orient, text], in: ocr, perStage: ["text": 0.82], floor: 0.95,
                                             alone: ["det": 1, "orient": 0.87, "text": 0.97])
        #expect(alone.map(\.stage) == ["orient"] && alone.first?.measured == 0.87 && alone.first?.output == "text")
        // Both alone: both go.
        let both = DownstreamJudge.refusals(changed: [det, orient, text], in: ocr, perStage: ["text": 0.82], floor: 0.95,
                                            alone: ["det": 0.9, "orient": 0.87, "text": 0.97])
        #expect(both.map(\.stage) == ["det", "orient"])
        // One stage behind the output: it goes whatever it did alone.
        let again = DownstreamJudge.refusals(changed: [det, orient], in: ocr, perStage: ["text": 0.9], floor: 0.95)
        #expect(again.map(\.stage) == ["orient"] && again.first?.output == "text")
        #expect(DownstreamJudge.refusals(changed: [orient, text], in: ocr, perStage: ["det": 0.1, "text": 0.96], floor: 0.95).isEmpty)
        // Out of rounds, every changed stage behind the lines keeps its written configuration.
        #expect(DownstreamJudge.behind(changed: [det, orient], in: ocr, perStage: ["text": 0.9], floor: 0.95) == [det, orient])
        #expect(DownstreamJudge.behind(changed: [det, orient], in: ocr, perStage: ["det": 0.5, "text": 0.97], floor: 0.95).isEmpty)
        // Stages that are outputs of their own (moderation's two models): each that disagrees falls back.
        let moderation = try PipelineLoader.load(path: Examples.pipelinePath("moderation"))
        let names = moderation.stages.map(\.name)
        let allChanged = names.map { DownstreamJudge.Changed(stage: $0, label: "int8/t1", searched: 0.99) }
        let refused = DownstreamJudge.refusals(changed: allChanged, in: moderation, perStage: Dictionary(uniqueKeysWithValues: names.map { ($0, 0.5) }), floor: 0.95)
        #expect(refused.map(\.stage) == names)
    }
}
