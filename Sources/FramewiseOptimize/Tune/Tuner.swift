import Foundation
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime

/// `framewise tune`: measures each stage's candidates and the sampling options on the search
/// videos, lets `TuneSearch` choose, then runs the tuned pipeline and the reference on the
/// held-out videos and falls back, stage by stage, where the measured agreement is below the floor.
public struct Tuner: Sendable {
    public var request: TuneRequest
    public var backend: any InferenceBackend
    /// Called with a line as each step starts (progress for a terminal).
    public var log: @Sendable (String) -> Void

    public init(request: TuneRequest, backend: any InferenceBackend, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.request = request
        self.backend = backend
        self.log = log
    }

    public func tune() async throws -> TuneReport {
        let path = request.pipelinePath
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let written = try PipelineLoader.load(path: path)
        guard request.videos.count >= 2 else { throw OptimizeError("give at least 2 videos: half are searched on, half held out to verify") }
        let (search, heldOut) = TuneRequest.split(request.videos, seed: request.seed)
        // The reference: the pipeline as written, every model its original file.
        var referenceEditor = YAMLTextEditor(text: text)
        for stage in written.stages where stage.variant != nil { try referenceEditor.set(["stages", stage.name, "variant"], to: PipelineSpec.originalVariant) }
        let reference = try PipelineLoader.parse(yaml: referenceEditor.text, file: path, baseDirectory: directory)

        log("reference on \(search.count) search video(s)")
        let referenceSearch = try await TuneRun.run(reference, videos: search, backend: backend, repeats: request.repeats)
        let samplings = try await measureSamplings(reference, search: search, referenceRun: referenceSearch)

        log("decoding up to \(request.accuracyFrames) frames of the search videos for the candidates")
        let frames = try CandidateMeasurer.decode(search, sampling: reference.sampling, limit: request.accuracyFrames)
        let referenceLoaded = try LoadedPipeline(spec: reference, backend: backend)
        var measurer = CandidateMeasurer(reference: reference, referencePipeline: referenceLoaded, backend: backend, request: request, frames: frames)
        try measurer.sampleImages()
        var stages: [TuneStage] = []
        var notes: [String] = []
        let judge = DownstreamJudge(reference: reference, referenceResults: referenceSearch.results, videos: search, backend: backend)
        for loaded in referenceLoaded.stages {
            log("stage \(loaded.spec.name): profiling and comparing its candidates")
            let (measured, stageNotes) = try measurer.measure(stage: loaded.spec.name, referenceStage: loaded)
            // A stage that feeds others is judged by what the pipeline outputs downstream of it.
            let (candidates, judgeNotes) = try await judge.judge(stage: loaded.spec.name, candidates: measured, log: log)
            notes += stageNotes + judgeNotes
            let defaultIndex = candidates.firstIndex { $0.variant == PipelineSpec.originalVariant && $0.inputSize == nil && $0.dynamicWidth == nil
                && $0.dynamicHeight == nil
                && $0.threads == loaded.model.resolvedSession.intraOpThreads } ?? 0
            let maxBatch = candidates[defaultIndex].profile.maxBatch
            stages.append(TuneStage(name: loaded.spec.name, inputs: loaded.spec.dependencies,
                                    itemsPerFrame: referenceSearch.itemsPerFrame(stage: loaded.spec.name), candidates: candidates,
                                    defaultCandidate: defaultIndex, defaultBatch: min(loaded.model.batchLimit, maxBatch)))
        }
        // The engine's own cost per frame, from the reference run on the search videos: what it
        // measured beyond the reference as the profiles price it.
        let unpriced = try TuneSearch(stages: stages, samplings: samplings, target: request.target).reference()
        let overhead = TuneSearch.engineOverheadPerFrame(measuredCostPerVideo: referenceSearch.costPerVideo, reference: unpriced)
        notes.append(String(format: "engine overhead: %.2f ms of CPU per frame beyond decoding and the profiled stages "
                            + "(reference on the search videos: measured %.3f, profiles %.3f core-s/video); added to every prediction",
                            overhead * 1000, referenceSearch.costPerVideo, unpriced.costPerVideo))
        let searcher = TuneSearch(stages: stages, samplings: samplings, target: request.target, engineOverheadPerFrame: overhead,
                                  cores: ProcessInfo.processInfo.activeProcessorCount)
        let referencePlan = try searcher.reference()
        var plan = try searcher.search()

        log("reference on \(heldOut.count) held-out video(s)")
        let referenceHeld = try await TuneRun.run(reference, videos: heldOut, backend: backend, repeats: request.repeats)
        var excluded: [String: Set<String>] = [:], excludedSamplings = Set<String>()
        var fallbacks: [String] = []
        var tunedRun = referenceHeld
        var yaml = referenceEditor.text
        var round = 0
        let floor = request.target.minAgreement
        var aloneVerification = AloneVerification(
            judge: DownstreamJudge(reference: reference, referenceResults: referenceHeld.results, videos: heldOut, backend: backend),
            stages: stages, floor: floor, log: log)
        while true {
            round += 1
            plan = try await aloneVerification.settle(plan, reference: referencePlan, searcher: searcher, excluded: &excluded,
                                                      excludedSamplings: excludedSamplings, fallbacks: &fallbacks)
            yaml = try TunedPipelineWriter.write(original: text, spec: written, plan: plan, reference: referencePlan, target: request.target)
            log("verification \(round): the tuned pipeline on the held-out video(s)")
            tunedRun = try await TuneRun.run(PipelineLoader.parse(yaml: yaml, file: path, baseDirectory: directory), videos: heldOut,
                                             backend: backend, repeats: request.repeats)
            let sameSampling = plan.sampling == referencePlan.sampling
            let perStage = RunComparison.stageAgreement(referenceHeld.results, tunedRun.results, stages: stages.map(\.name))
            // Judged as searched (a stage feeding others by the last stages downstream of it); of the
            // changed stages behind an output that disagrees, the likeliest cause falls back.
            let changed = sameSampling ? DownstreamJudge.changed(plan, stages: stages) : []
            // Several changed stages behind outputs that disagree: each alone on the held-out videos
            // (measured already when they share an output, unless the sampling changed).
            let behind = DownstreamJudge.behind(changed: changed, in: reference, perStage: perStage, floor: floor)
            var alone: [String: Double] = [:]
            if behind.count > 1 {
                for c in behind { alone[c.stage] = try await aloneVerification.alone(c, in: plan) }
            }
            let refusals = DownstreamJudge.refusals(changed: changed, in: reference, perStage: perStage, floor: floor, alone: alone)
            for refusal in refusals {
                excluded[refusal.stage, default: []].insert(refusal.label)
                fallbacks.append(String(format: "%@: %@ (%@ agreed on %.3f of held-out frames%@)", refusal.stage, refusal.label,
                                        refusal.output == refusal.stage ? "its output" : refusal.output, refusal.measured,
                                        alone[refusal.stage] == nil ? "" : " with only this stage changed"))
            }
            let summary = RunComparison.summaryAgreement(referenceHeld.results, tunedRun.results, spec: reference)
            let samplingRefused = !sameSampling && summary < floor
            if samplingRefused {
                excludedSamplings.insert(plan.sampling)
                fallbacks.append(String(format: "sampling %@: summaries agreed on %.3f of held-out fields", plan.sampling, summary))
            }
            guard !refusals.isEmpty || samplingRefused else { break }
            guard round < max(1, request.rounds) else {
                // Out of rounds: nothing unverified is kept. Every changed stage behind an output that
                // still disagrees keeps its written configuration (a refused sampling, the written one),
                // and that pipeline is run once more: what the report measures is what it writes.
                for stage in stages where behind.contains(where: { $0.stage == stage.name }) {
                    excluded[stage.name, default: []].formUnion(stage.candidates.indices.filter { $0 != stage.defaultCandidate }.map { stage.candidates[$0].label })
                }
                if samplingRefused { excludedSamplings.formUnion(samplings.map(\.policy).filter { $0 != referencePlan.sampling }) }
                plan = try searcher.search(excluded: excluded, excludedSamplings: excludedSamplings)
                notes.append("verification rounds exhausted (\(request.rounds)): "
                             + (behind.map(\.stage) + (samplingRefused ? ["the sampling"] : [])).joined(separator: ", ")
                             + " keep the written configuration")
                yaml = try TunedPipelineWriter.write(original: text, spec: written, plan: plan, reference: referencePlan, target: request.target)
                log("verification: the tuned pipeline after the last fall-back, on the held-out video(s)")
                tunedRun = try await TuneRun.run(PipelineLoader.parse(yaml: yaml, file: path, baseDirectory: directory), videos: heldOut,
                                                 backend: backend, repeats: request.repeats)
                break
            }
            plan = try searcher.search(excluded: excluded, excludedSamplings: excludedSamplings)
        }
        if fallbacks.isEmpty == false, plan == referencePlan { notes.append("every tuned choice fell back to the reference") }
        log("per-video latency: each held-out video alone, reference and tuned")
        let tunedSpec = try PipelineLoader.parse(yaml: yaml, file: path, baseDirectory: directory)
        let aloneReference = try await TuneRun.aloneLatencies(reference, videos: heldOut, backend: backend)
        let aloneTuned = try await TuneRun.aloneLatencies(tunedSpec, videos: heldOut, backend: backend)
        return TuneReport(pipeline: path, seed: request.seed, target: request.target, searchVideos: search, heldOutVideos: heldOut,
                          stages: stages, samplings: samplings, reference: referencePlan, tuned: plan,
                          measuredReference: try measured(referenceHeld, plan: referencePlan, against: referenceHeld, spec: reference,
                                                          videos: heldOut, overheadPerFrame: overhead, alone: aloneReference),
                          measuredTuned: try measured(tunedRun, plan: plan, against: referenceHeld, spec: reference,
                                                      videos: heldOut, overheadPerFrame: overhead, alone: aloneTuned),
                          fallbacks: fallbacks, notes: notes, tunedYAML: yaml)
    }

    func measured(_ run: TuneRun, plan: TunePlan, against reference: TuneRun, spec: PipelineSpec, videos: [String],
                  overheadPerFrame: Double, alone: [Double]) throws -> MeasuredConfiguration {
        // The plan priced for these videos: stage costs scale with the frames they gave, decoding is measured on them.
        let policy = SamplingOptions.options(spec.sampling, divisors: request.samplingDivisors).first { SamplingOptions.yaml($0) == plan.sampling } ?? spec.sampling
        let decode: DecodeProfile
        do {
            decode = try DecodeProfiler.measure(videos: videos, pipeline: spec.name, sampling: policy,
                                                threads: DecodeProfiler.engineThreads(spec: spec), device: request.device)
        } catch {
            throw OptimizeError("\(error)")
        }
        let scale = plan.framesPerVideo > 0 ? run.framesPerVideo / plan.framesPerVideo : 1
        let decodePerVideo = decode.videos > 0 ? decode.cpuSeconds / Double(decode.videos) : 0
        let predicted = decodePerVideo + (plan.stages.map(\.costPerVideo).reduce(0, +) + overheadPerFrame * plan.framesPerVideo) * scale
        let scaledStages = plan.stages.map { c -> TuneStageChoice in
            var c = c
            c.costPerVideo *= scale
            return c
        }
        let videoLatency = TuneSearch.videoLatency(decodeSeconds: decodePerVideo, costPerVideo: predicted, choices: scaledStages,
                                                   frameLatency: plan.latency, cores: ProcessInfo.processInfo.activeProcessorCount)
        return MeasuredConfiguration(videos: run.videos, predictedCostPerVideo: predicted, predictedVideoLatency: videoLatency,
                                     costPerVideo: run.costPerVideo,
                              dollarsPer1000Videos: request.target.pricePerCoreHour.map { run.costPerVideo * 1000 / 3600 * $0 },
                              videosPerSecond: run.videosPerSecond, framesPerVideo: run.framesPerVideo,
                              frameLatencyP50: run.frameLatency(0.5), frameLatencyP99: run.frameLatency(0.99),
                              videoLatencyP50: TuneRun.quantile(alone, 0.5), videoLatencyP99: TuneRun.quantile(alone, 0.99),
                              summaryAgreement: RunComparison.summaryAgreement(reference.results, run.results, spec: spec),
                              stageAgreement: RunComparison.stageAgreement(reference.results, run.results, stages: spec.stages.map(\.name)))
    }

    /// The written sampling and sparser ones: frames per video, decode CPU per video and summary
    /// agreement with the written sampling on the search videos.
    func measureSamplings(_ reference: PipelineSpec, search: [String], referenceRun: TuneRun) async throws -> [TuneSampling] {
        var out: [TuneSampling] = []
        for (i, policy) in SamplingOptions.options(reference.sampling, divisors: request.samplingDivisors).enumerated() {
            log("sampling \(SamplingOptions.yaml(policy)): decode cost and summaries")
            let decode: DecodeProfile
            do {
                decode = try DecodeProfiler.measure(videos: search, pipeline: reference.name, sampling: policy,
                                                    threads: DecodeProfiler.engineThreads(spec: reference), device: request.device)
            } catch {
                throw OptimizeError("\(error)")
            }
            var spec = reference
            spec.sampling = policy
            let run = i == 0 ? referenceRun : try await TuneRun.run(spec, videos: search, backend: backend)
            let agreement = i == 0 ? 1 : RunComparison.summaryAgreement(referenceRun.results, run.results, spec: reference)
            out.append(TuneSampling(policy: SamplingOptions.yaml(policy), framesPerVideo: run.framesPerVideo,
                                    decodeSeconds: decode.videos > 0 ? decode.cpuSeconds / Double(decode.videos) : 0, agreement: agreement))
        }
        return out
    }
}
