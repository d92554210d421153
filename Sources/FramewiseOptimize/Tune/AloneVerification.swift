import FramewiseCore
import FramewisePlanner

/// Verification stage by stage, before the whole pipeline: in a plan whose changed stages share an
/// output (OCR's detector, orientation and recogniser all change the lines), each of them runs alone
/// on the held-out videos (the reference with only that stage changed), once per candidate's output
/// label. A candidate that disagrees alone is refused with every thread count of it, and the search
/// runs again, until each changed stage sharing an output passes alone; a whole-pipeline round then
/// meets only interactions. Without it, each round refused one stage's candidate, and the rounds ran
/// out on the detector's sizes before its accurate candidates were tried.
public struct AloneVerification: Sendable {
    /// How a stage's candidate is measured alone: the agreement of what the stage is judged by.
    public typealias Measure = @Sendable (_ stage: String, _ candidate: TuneCandidate) async throws -> Double
    let reference: PipelineSpec
    let stages: [TuneStage]
    let floor: Double
    let measure: Measure
    let log: @Sendable (String) -> Void
    /// Agreement alone by "stage|output label".
    public private(set) var measured: [String: Double] = [:]

    /// Measured by `judge` (the reference's, on the held-out videos).
    public init(judge: DownstreamJudge, stages: [TuneStage], floor: Double, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(reference: judge.reference, stages: stages, floor: floor, log: log) { try await judge.alone(stage: $0, candidate: $1) }
    }

    public init(reference: PipelineSpec, stages: [TuneStage], floor: Double, log: @escaping @Sendable (String) -> Void = { _ in },
                measure: @escaping Measure) {
        self.reference = reference
        self.stages = stages
        self.floor = floor
        self.measure = measure
        self.log = log
    }

    /// The agreement of what `changed.stage` is judged by with only it running its chosen candidate in
    /// `plan`, measured once per output label.
    public mutating func alone(_ changed: DownstreamJudge.Changed, in plan: TunePlan) async throws -> Double? {
        guard let stage = stages.first(where: { $0.name == changed.stage }), let choice = plan.stage(changed.stage),
              stage.candidates.indices.contains(choice.candidate) else { return nil }
        let candidate = stage.candidates[choice.candidate]
        let key = changed.stage + "|" + candidate.outputLabel
        if let known = measured[key] { return known }
        log("verification: stage \(changed.stage) alone (\(candidate.outputLabel)) on the held-out video(s)")
        let agreement = try await measure(changed.stage, candidate)
        measured[key] = agreement
        return agreement
    }

    /// `plan` after refusing, and searching past, every changed stage sharing an output that disagrees
    /// alone. Refusals go into `excluded` (each thread count of the output label) and `fallbacks`.
    public mutating func settle(_ plan: TunePlan, reference: TunePlan, searcher: TuneSearch, excluded: inout [String: Set<String>],
                         excludedSamplings: Set<String>, fallbacks: inout [String]) async throws -> TunePlan {
        var plan = plan
        while plan.sampling == reference.sampling {
            var refused = false
            for c in DownstreamJudge.sharingAnOutput(changed: DownstreamJudge.changed(plan, stages: stages), in: self.reference) {
                guard let agreement = try await alone(c, in: plan), agreement < floor,
                      let stage = stages.first(where: { $0.name == c.stage }), let choice = plan.stage(c.stage) else { continue }
                let output = stage.candidates[choice.candidate].outputLabel
                excluded[c.stage, default: []].formUnion(stage.candidates.filter { $0.outputLabel == output }.map(\.label))
                fallbacks.append(String(format: "%@: %@ (%@ agreed on %.3f of held-out frames with only this stage changed)", c.stage, c.label,
                                        DownstreamJudge.judgedBy(c.stage, in: self.reference).joined(separator: ", "), agreement))
                refused = true
            }
            guard refused else { break }
            plan = try searcher.search(excluded: excluded, excludedSamplings: excludedSamplings)
        }
        return plan
    }
}
