import FramewiseCore
import FramewisePlanner
import FramewiseRuntime

/// Judges a candidate of a stage that feeds other stages (a detector whose boxes a recogniser
/// reads) by what the pipeline outputs, not by its own intermediate output: the pipeline runs with
/// only that stage changed on the search videos, and the last stages downstream of it are compared
/// with the reference run (`RunComparison.stageAgreement`, the lowest of them). An OCR detector at a
/// smaller input that finds one more box on a text-like background patch, read as no text, changes
/// its boxes on that frame but not one line the pipeline reads.
public struct DownstreamJudge: Sendable {
    public let reference: PipelineSpec
    /// The reference's results on `videos`, in their order: the runs are compared with them.
    public let referenceResults: [VideoResult]
    /// The videos the runs are made on: the search half, or in verification the held-out half.
    public let videos: [String]
    public let backend: any InferenceBackend

    public init(reference: PipelineSpec, referenceResults: [VideoResult], videos: [String], backend: any InferenceBackend) {
        self.reference = reference
        self.referenceResults = referenceResults
        self.videos = videos
        self.backend = backend
    }

    /// The last stages downstream of `stage`: those depending on it, directly or through others,
    /// that feed no stage themselves. Empty for a stage nothing depends on.
    public static func leaves(of stage: String, in spec: PipelineSpec) -> [String] {
        var downstream = Set<String>()
        var frontier = [stage]
        while let next = frontier.popLast() {
            for s in spec.stages where s.dependencies.contains(next) && downstream.insert(s.name).inserted { frontier.append(s.name) }
        }
        let feeding = Set(spec.stages.flatMap(\.dependencies))
        return spec.stages.map(\.name).filter { downstream.contains($0) && !feeding.contains($0) }
    }

    /// The lowest agreement over `leaves` of `run` against `reference` (1 with no leaves).
    public static func agreement(_ reference: [VideoResult], _ run: [VideoResult], leaves: [String]) -> Double {
        RunComparison.stageAgreement(reference, run, stages: leaves).values.min() ?? 1
    }

    /// Replaces the agreement of each of `stage`'s candidates that changes its model's input or file
    /// (one pipeline run per variant and size; threads do not change outputs) by the agreement of the
    /// last stages downstream, and says so in a note. Candidates of a stage nothing depends on are
    /// returned as they are.
    public func judge(stage: String, candidates: [TuneCandidate], log: (String) -> Void = { _ in }) async throws -> (candidates: [TuneCandidate], notes: [String]) {
        let leaves = Self.leaves(of: stage, in: reference)
        guard !leaves.isEmpty else { return (candidates, []) }
        var out = candidates
        var judged: [String: (own: Double, downstream: Double)] = [:]
        for (i, candidate) in candidates.enumerated() where candidate.variant != PipelineSpec.originalVariant
            || candidate.inputSize != nil || candidate.dynamicWidth != nil || candidate.dynamicHeight != nil {
            let key = candidate.outputLabel
            if judged[key] == nil {
                log("stage \(stage): \(key) judged by \(leaves.joined(separator: ", ")) on \(videos.count) video(s)")
                judged[key] = (candidate.agreement, try await alone(stage: stage, candidate: candidate))
            }
            out[i].agreement = judged[key]?.downstream ?? candidate.agreement
        }
        let list = judged.keys.sorted().map { key -> String in
            let j = judged[key] ?? (0, 0)
            return String(format: "%@ %.3f (own output %.3f)", key, j.downstream, j.own)
        }
        guard !list.isEmpty else { return (out, []) }
        return (out, ["stage '\(stage)' feeds \(leaves.joined(separator: ", ")): its candidates are judged by what \(leaves.count == 1 ? "that stage outputs" : "those stages output") "
                      + "with only this stage changed, on the search videos: " + list.joined(separator: ", ")])
    }

    /// The agreement of what `stage` is judged by (the last stages downstream, or its own output)
    /// when only `stage` runs `candidate`: the whole pipeline run on this judge's videos.
    public func alone(stage: String, candidate: TuneCandidate) async throws -> Double {
        let run = try await TuneRun.run(Self.spec(reference, changing: stage, to: candidate), videos: videos, backend: backend)
        return Self.agreement(referenceResults, run.results, leaves: Self.judgedBy(stage, in: reference))
    }

    /// A stage verification may refuse: its tuned choice and the agreement it was chosen with.
    public struct Changed: Sendable, Equatable {
        public var stage: String
        public var label: String
        /// The candidate's agreement on the search videos.
        public var searched: Double
        public init(stage: String, label: String, searched: Double) {
            self.stage = stage
            self.label = label
            self.searched = searched
        }
    }

    /// What verification refuses, given each stage's agreement on the held-out videos (`perStage`):
    /// every stage is judged by its own output, or, feeding others, by the last stages downstream
    /// (`leaves`). For each output below `floor`: the one changed stage behind it; else those of
    /// them that disagree run alone (`alone`: the stage's judged agreement with only it changed);
    /// else, an interaction, the one chosen with the lowest agreement on the search videos. With
    /// OCR's detector, orientation and recogniser all changed and the lines off, the stage whose
    /// change alone moves the lines falls back, and the others are verified again.
    public static func refusals(changed: [Changed], in spec: PipelineSpec, perStage: [String: Double], floor: Double,
                                alone: [String: Double] = [:]) -> [(stage: String, label: String, output: String, measured: Double)] {
        var out: [(stage: String, label: String, output: String, measured: Double)] = []
        for output in spec.stages.map(\.name) {
            guard let measured = perStage[output], measured < floor else { continue }
            let suspects = changed.filter { judgedBy($0.stage, in: spec).contains(output) }
            let culprits = suspects.count > 1 ? suspects.filter { (alone[$0.stage] ?? 1) < floor } : suspects
            let refused = culprits.isEmpty ? suspects.min(by: { $0.searched < $1.searched }).map { [$0] } ?? [] : culprits
            for c in refused where !out.contains(where: { $0.stage == c.stage }) {
                out.append((c.stage, c.label, output, suspects.count > 1 ? alone[c.stage] ?? measured : measured))
            }
        }
        return out
    }

    /// Every changed stage judged by an output that agrees less than `floor` (what keeps its written
    /// configuration when verification runs out of rounds).
    public static func behind(changed: [Changed], in spec: PipelineSpec, perStage: [String: Double], floor: Double) -> [Changed] {
        changed.filter { c in judgedBy(c.stage, in: spec).contains { (perStage[$0] ?? 1) < floor } }
    }

    /// The changed stages judged by an output that another changed stage is judged by too: where a
    /// disagreeing output would leave more than one suspect (OCR's detector, orientation and
    /// recogniser all change the lines).
    public static func sharingAnOutput(changed: [Changed], in spec: PipelineSpec) -> [Changed] {
        changed.filter { c in
            let outputs = Set(judgedBy(c.stage, in: spec))
            return changed.contains { $0.stage != c.stage && !outputs.isDisjoint(with: judgedBy($0.stage, in: spec)) }
        }
    }

    /// The stages `plan` changes from each stage's written candidate, with the agreement each was chosen with.
    public static func changed(_ plan: TunePlan, stages: [TuneStage]) -> [Changed] {
        plan.stages.compactMap { choice in
            guard let stage = stages.first(where: { $0.name == choice.stage }), choice.candidate != stage.defaultCandidate,
                  stage.candidates.indices.contains(choice.candidate) else { return nil }
            return Changed(stage: choice.stage, label: stage.candidates[choice.candidate].label, searched: choice.agreement)
        }
    }

    /// The outputs a stage is judged by: the last stages downstream of it, or its own.
    static func judgedBy(_ stage: String, in spec: PipelineSpec) -> [String] {
        let leaves = Self.leaves(of: stage, in: spec)
        return leaves.isEmpty ? [stage] : leaves
    }

    /// The whole reference pipeline with `stage`'s model as `candidate` runs it (file, input size,
    /// dynamic width and height; the reference's threads).
    public static func spec(_ reference: PipelineSpec, changing stage: String, to candidate: TuneCandidate) throws -> PipelineSpec {
        guard let model = reference.stage(named: stage)?.model else { throw OptimizeError("stage '\(stage)' is not in the pipeline") }
        return try reference.runningModel(model, variant: candidate.variant, inputSize: candidate.inputSize, dynamicWidth: candidate.dynamicWidth,
                                         dynamicHeight: candidate.dynamicHeight)
    }
}
