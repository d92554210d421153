import FramewiseCore

/// A stage's configuration as chosen: candidate, batch limit and instances, with its predictions.
public struct TuneStageChoice: Sendable, Codable, Equatable {
    public var stage: String
    public var candidate: Int
    public var variant: String
    public var inputSize: [Int]?
    /// The batch width's multiple when it follows the items (nil: fixed width).
    public var dynamicWidth: Int?
    /// The batch height's multiple when it also follows the items (`preprocess.dynamic_size`).
    public var dynamicHeight: Int? = nil
    public var threads: Int
    public var batch: Int
    public var instances: Int
    /// The stage's share of the latency target, seconds.
    public var slack: Double
    /// Worst per-item latency: a full batch waited for, then run (2 x batch latency, as the planner's saturate rule).
    public var latency: Double
    /// Core-seconds per video.
    public var costPerVideo: Double
    public var agreement: Double
    /// False when no accurate enough candidate fits the slack (the fastest accurate one is used).
    public var meetsSlack: Bool

    /// "int8@160x128/t1": variant, input size when changed (`~32`: dynamic width), intra-op threads.
    public var label: String {
        TuneCandidate.label(variant: variant, inputSize: inputSize, dynamicWidth: dynamicWidth, dynamicHeight: dynamicHeight, threads: threads)
    }
}

/// A whole configuration: the sampling, each stage's choice and the totals predicted.
public struct TunePlan: Sendable, Codable, Equatable {
    public var sampling: String
    public var framesPerVideo: Double
    public var samplingAgreement: Double
    public var stages: [TuneStageChoice]
    /// Decode + every stage + the engine's overhead per frame, core-seconds per video.
    public var costPerVideo: Double
    /// Dollars per 1,000 videos (nil without a price).
    public var dollarsPer1000Videos: Double?
    /// The longest path of stage latencies through the DAG, seconds per frame.
    public var latency: Double
    public var meetsTarget: Bool
    /// Seconds for one video alone, from its arrival to its result: its frames stream out of the
    /// decoder and through the stages, so the slowest of decoding, any stage draining the video's
    /// items on its instances, and all the work spread over the cores bounds the stream, and the last
    /// frame then takes the per-frame path (`latency`). Nil in reports written before it was predicted.
    public var videoLatency: Double?

    public func stage(_ name: String) -> TuneStageChoice? { stages.first { $0.stage == name } }
}

/// Errors of the search.
public enum TuneSearchError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String { switch self { case let .invalid(m): m } }
}

/// The tuner's search, as Llama does it: each stage gets a slack from the latency target (its
/// share, under the reference configuration, of the longest path through it), then the cheapest
/// candidate and batch limit that meets its slack and the accuracy floor; the sampling is the
/// cheapest accurate enough one. Candidates are taken in a fixed order and a later one must be
/// cheaper by more than `margin`; the batch limit is the largest within `margin` of the chosen
/// candidate's cheapest, so the same measurements (and nearly the same) give the same choice.
/// Pure: profiles and measured agreements in, choices out.
public struct TuneSearch: Sendable {
    public var stages: [TuneStage]
    public var samplings: [TuneSampling]
    public var target: TuneTarget
    /// A configuration replaces an earlier one only when it is cheaper by more than this fraction.
    public var margin: Double
    /// Core-seconds the engine itself spends per sampled frame beyond decoding and the stages'
    /// profiled work (frame store, broker, batching, assembly); added to every plan's cost.
    public var engineOverheadPerFrame: Double
    /// Cores a video's work spreads over, for the per-video latency (`TunePlan.videoLatency`).
    public var cores: Int

    public init(stages: [TuneStage], samplings: [TuneSampling], target: TuneTarget, margin: Double = 0.1,
                engineOverheadPerFrame: Double = 0, cores: Int = 1) {
        self.stages = stages
        self.samplings = samplings
        self.target = target
        self.margin = margin
        self.engineOverheadPerFrame = max(0, engineOverheadPerFrame.isFinite ? engineOverheadPerFrame : 0)
        self.cores = max(1, cores)
    }

    /// `TunePlan.videoLatency`: the stream's bound (decoding, each stage's drain on its instances and
    /// threads, the whole cost over the cores) plus one frame's path through the DAG.
    public static func videoLatency(decodeSeconds: Double, costPerVideo: Double, choices: [TuneStageChoice], frameLatency: Double,
                                    cores: Int) -> Double {
        let drains = choices.map { $0.costPerVideo / Double(max(1, $0.threads) * max(1, $0.instances)) }
        return max(decodeSeconds, drains.max() ?? 0, costPerVideo / Double(max(1, cores))) + frameLatency
    }

    /// The engine's own cost per frame that makes `measuredCostPerVideo` (a run of the reference
    /// configuration on the search videos) agree with the reference as priced without it; never negative.
    public static func engineOverheadPerFrame(measuredCostPerVideo: Double, reference: TunePlan) -> Double {
        guard reference.framesPerVideo > 0, measuredCostPerVideo.isFinite else { return 0 }
        return max(0, (measuredCostPerVideo - reference.costPerVideo) / reference.framesPerVideo)
    }

    /// The reference configuration (the first sampling, each stage's default) as the search prices it.
    public func reference() throws(TuneSearchError) -> TunePlan {
        try validate()
        let slacks = try self.slacks()
        var choices: [TuneStageChoice] = []
        for (i, stage) in stages.enumerated() {
            choices.append(try evaluate(stage, candidate: stage.defaultCandidate, batch: stage.defaultBatch,
                                        framesPerVideo: samplings[0].framesPerVideo, slack: slacks[i]))
        }
        return plan(samplings[0], choices)
    }

    /// The cheapest configuration meeting the target and the floor; `excluded` lists candidate
    /// labels (per stage) that verification refused, so the search falls back to the next one.
    public func search(excluded: [String: Set<String>] = [:], excludedSamplings: Set<String> = []) throws(TuneSearchError) -> TunePlan {
        try validate()
        let slacks = try self.slacks()
        var best: TunePlan?
        for sampling in samplings where sampling.agreement >= target.minAgreement && !excludedSamplings.contains(sampling.policy) {
            var choices: [TuneStageChoice] = []
            for (i, stage) in stages.enumerated() {
                choices.append(try choose(stage, slack: slacks[i], framesPerVideo: sampling.framesPerVideo, excluded: excluded[stage.name] ?? []))
            }
            let candidate = plan(sampling, choices)
            if best.map({ better(candidate, than: $0) }) ?? true { best = candidate }
        }
        // No sampling is accurate enough: keep the reference's.
        if let best { return best }
        var choices: [TuneStageChoice] = []
        for (i, stage) in stages.enumerated() {
            choices.append(try choose(stage, slack: slacks[i], framesPerVideo: samplings[0].framesPerVideo, excluded: excluded[stage.name] ?? []))
        }
        return plan(samplings[0], choices)
    }

    func better(_ a: TunePlan, than b: TunePlan) -> Bool {
        if a.meetsTarget != b.meetsTarget { return a.meetsTarget }
        return a.costPerVideo < b.costPerVideo * (1 - margin)
    }

    func validate() throws(TuneSearchError) {
        guard !stages.isEmpty else { throw .invalid("no stages to tune") }
        guard !samplings.isEmpty else { throw .invalid("no sampling to tune") }
        guard target.latency > 0, target.latency.isFinite else { throw .invalid("the latency target must be positive, got \(target.latency)") }
        for stage in stages {
            guard stage.candidates.indices.contains(stage.defaultCandidate) else {
                throw .invalid("stage '\(stage.name)': default candidate \(stage.defaultCandidate) of \(stage.candidates.count)")
            }
            for c in stage.candidates {
                do { try c.profile.validate() } catch { throw .invalid("stage '\(stage.name)' \(c.label): \(error)") }
            }
            guard stage.defaultBatch >= 1, stage.defaultBatch <= stage.candidates[stage.defaultCandidate].profile.maxBatch else {
                throw .invalid("stage '\(stage.name)': its batch \(stage.defaultBatch) is not profiled")
            }
            for input in stage.inputs where !stages.contains(where: { $0.name == input }) {
                throw .invalid("stage '\(stage.name)' waits for unknown stage '\(input)'")
            }
        }
    }

    /// Each stage's slack: target x its reference latency / the longest reference path through it.
    public func slacks() throws(TuneSearchError) -> [Double] {
        let own = try stages.map { (s: TuneStage) throws(TuneSearchError) -> Double in
            try batchLatency(s.candidates[s.defaultCandidate], batch: s.defaultBatch) * 2
        }
        let order = try topologicalOrder()
        var upTo = own, from = own
        for i in order { for input in stages[i].inputs { if let j = index(input) { upTo[i] = max(upTo[i], upTo[j] + own[i]) } } }
        for i in order.reversed() { for input in stages[i].inputs { if let j = index(input) { from[j] = max(from[j], from[i] + own[j]) } } }
        return stages.indices.map { i in
            let path = upTo[i] + from[i] - own[i]
            return path > 0 ? target.latency * own[i] / path : target.latency
        }
    }

    func index(_ name: String) -> Int? { stages.firstIndex { $0.name == name } }

    func topologicalOrder() throws(TuneSearchError) -> [Int] {
        var done = Set<Int>(), order: [Int] = []
        while order.count < stages.count {
            guard let next = stages.indices.first(where: { i in
                !done.contains(i) && stages[i].inputs.allSatisfy { index($0).map(done.contains) ?? true }
            }) else { throw .invalid("the stages form a cycle") }
            done.insert(next)
            order.append(next)
        }
        return order
    }

    /// Batch latency with per-item pre/post-processing, at the target's statistic.
    func batchLatency(_ c: TuneCandidate, batch: Int, statistic: LatencyStatistic? = nil) throws(TuneSearchError) -> Double {
        do { return try c.profile.latency(batch: batch, statistic: statistic ?? target.statistic) + Double(batch) * c.profile.perItemOverhead } catch {
            throw .invalid("\(c.label): \(error)")
        }
    }

    func evaluate(_ stage: TuneStage, candidate: Int, batch: Int, framesPerVideo: Double, slack: Double) throws(TuneSearchError) -> TuneStageChoice {
        let c = stage.candidates[candidate]
        let latency = 2 * (try batchLatency(c, batch: batch))
        let mean = try batchLatency(c, batch: batch, statistic: .mean)
        let items = framesPerVideo * stage.itemsPerFrame
        let cost = items * mean / Double(batch) * Double(c.threads)
        var instances = 1
        if let rate = target.rate, rate > 0 { instances = max(1, Int((rate * items * mean / Double(batch)).rounded(.up))) }
        return TuneStageChoice(stage: stage.name, candidate: candidate, variant: c.variant, inputSize: c.inputSize, dynamicWidth: c.dynamicWidth,
                               dynamicHeight: c.dynamicHeight, threads: c.threads, batch: batch, instances: instances, slack: slack, latency: latency, costPerVideo: cost,
                               agreement: candidate == stage.defaultCandidate ? 1 : c.agreement, meetsSlack: latency <= slack + 1e-12)
    }

    /// The cheapest accurate candidate within the slack; else the fastest accurate one; else the reference.
    func choose(_ stage: TuneStage, slack: Double, framesPerVideo: Double, excluded: Set<String>) throws(TuneSearchError) -> TuneStageChoice {
        var options: [TuneStageChoice] = []
        for (i, c) in stage.candidates.enumerated() where !excluded.contains(c.label) {
            guard i == stage.defaultCandidate || c.agreement >= target.minAgreement else { continue }
            for b in c.profile.entries.map(\.batchSize).sorted() {
                options.append(try evaluate(stage, candidate: i, batch: b, framesPerVideo: framesPerVideo, slack: slack))
            }
        }
        // Candidates are compared by their cheapest fitting batch: the reference model first (the
        // incumbent), then the other candidates in order; a later one wins only when it is cheaper by
        // more than `margin`, so measurement noise cannot flip the choice. Within the chosen candidate
        // the batch limit is the largest fitting one within `margin` of its cheapest: per-item cost
        // is nearly flat across the larger batches, and taking the largest of them keeps the choice
        // the same from run to run.
        let fitting = options.filter(\.meetsSlack)
        var cheapest: [Int: TuneStageChoice] = [:]
        for o in fitting where o.costPerVideo < (cheapest[o.candidate]?.costPerVideo ?? .infinity) { cheapest[o.candidate] = o }
        let ordered = cheapest.values.sorted { ($0.candidate == stage.defaultCandidate ? -1 : $0.candidate) < ($1.candidate == stage.defaultCandidate ? -1 : $1.candidate) }
        if var best = ordered.first {
            for option in ordered.dropFirst() where option.costPerVideo < best.costPerVideo * (1 - margin) { best = option }
            let floor = best.costPerVideo * (1 + margin)
            return fitting.filter { $0.candidate == best.candidate && $0.costPerVideo <= floor }.max { $0.batch < $1.batch } ?? best
        }
        if let fastest = options.min(by: { ($0.latency, $0.costPerVideo, $0.candidate, $0.batch) < ($1.latency, $1.costPerVideo, $1.candidate, $1.batch) }) {
            return fastest
        }
        return try evaluate(stage, candidate: stage.defaultCandidate, batch: stage.defaultBatch, framesPerVideo: framesPerVideo, slack: slack)
    }

    func plan(_ sampling: TuneSampling, _ choices: [TuneStageChoice]) -> TunePlan {
        var finish = [Double](repeating: 0, count: choices.count)
        for i in (try? topologicalOrder()) ?? Array(stages.indices) {
            let start = stages[i].inputs.compactMap { index($0).map { finish[$0] } }.max() ?? 0
            finish[i] = start + choices[i].latency
        }
        let latency = finish.max() ?? 0
        let cost = sampling.decodeSeconds + engineOverheadPerFrame * sampling.framesPerVideo + choices.map(\.costPerVideo).reduce(0, +)
        return TunePlan(sampling: sampling.policy, framesPerVideo: sampling.framesPerVideo, samplingAgreement: sampling.agreement, stages: choices,
                        costPerVideo: cost, dollarsPer1000Videos: target.pricePerCoreHour.map { cost * 1000 / 3600 * $0 },
                        latency: latency, meetsTarget: latency <= target.latency + 1e-12,
                        videoLatency: Self.videoLatency(decodeSeconds: sampling.decodeSeconds, costPerVideo: cost, choices: choices,
                                                        frameLatency: latency, cores: cores))
    }
}
