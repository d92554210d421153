import Foundation
import FramewiseCore
import FramewiseRuntime

/// One configuration run by the streaming engine on some videos: its results and what it cost.
public struct TuneRun: Sendable {
    public var results: [VideoResult]
    public var report: RunReport
    /// Process CPU seconds the run took (decode, inference, everything).
    public var cpuSeconds: Double

    /// Runs `spec` on `videos` with the default engine configuration.
    /// The cost is measured as the profiles are: the models warmed first (the first video once,
    /// untimed: a fresh session's first runs allocate and plan), then `repeats` timed runs of all
    /// the videos, keeping the cheapest (a shared host only ever adds time). Results come from the first.
    static func run(_ spec: PipelineSpec, videos: [String], backend: any InferenceBackend, repeats: Int = 1) async throws -> TuneRun {
        let pipeline = try await loaded(spec, warmedOn: repeats > 1 ? videos.first : nil, backend: backend)
        let configuration = EngineConfiguration()
        var best: TuneRun?
        for _ in 0..<max(1, repeats) {
            let engine = StreamingEngine(pipeline: pipeline, configuration: configuration)
            let sink = ResultCollector()
            let start = DecodeProfiler.processCPUSeconds()
            let report = try await engine.run(videos: videos, sink: sink)
            let cpu = DecodeProfiler.processCPUSeconds() - start
            let results = await sink.results
            if let failed = results.first(where: { $0.status != .ok }) {
                throw OptimizeError("\(failed.video) failed under the configuration being measured: \(failed.error ?? "no message")")
            }
            let run = TuneRun(results: results, report: report, cpuSeconds: cpu)
            guard var kept = best else { best = run; continue }
            if run.cpuSeconds < kept.cpuSeconds {
                kept.cpuSeconds = run.cpuSeconds
                kept.report = run.report
            }
            best = kept
        }
        guard let best else { throw OptimizeError("no run of the configuration was measured") }
        return best
    }

    /// Seconds from arrival to result of each video run alone (one engine run per video, the models
    /// loaded and warmed once), in the videos' order.
    static func aloneLatencies(_ spec: PipelineSpec, videos: [String], backend: any InferenceBackend) async throws -> [Double] {
        let pipeline = try await loaded(spec, warmedOn: videos.first, backend: backend)
        var out: [Double] = []
        for video in videos {
            let report = try await StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration()).run(videos: [video],
                                                                                                                 sink: ResultCollector())
            if let seconds = report.videoSeconds.first { out.append(seconds) }
        }
        return out
    }

    /// `spec` loaded, its models warmed by one untimed run of `video` (a fresh session's first runs
    /// allocate and plan); not warmed when `video` is nil.
    static func loaded(_ spec: PipelineSpec, warmedOn video: String?, backend: any InferenceBackend) async throws -> LoadedPipeline {
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        if let video {
            _ = try await StreamingEngine(pipeline: pipeline, configuration: EngineConfiguration()).run(videos: [video], sink: ResultCollector())
        }
        return pipeline
    }

    /// The `q` quantile of `values` (nearest rank, rounding up), nil when empty.
    static func quantile(_ values: [Double], _ q: Double) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded(.up)))]
    }

    public var videos: Int { results.count }
    public var costPerVideo: Double { videos > 0 ? cpuSeconds / Double(videos) : 0 }
    public var videosPerSecond: Double { report.wallSeconds > 0 ? Double(videos) / report.wallSeconds : 0 }
    public var framesPerVideo: Double { videos > 0 ? Double(results.map(\.frames.count).reduce(0, +)) / Double(videos) : 0 }

    /// Per-frame latency percentile (from a decoded frame to its last stage), seconds.
    public func frameLatency(_ q: Double) -> Double? { Self.quantile(report.frameSeconds, q) }

    /// Items a stage handles per sampled frame (crops per frame for crop stages).
    public func itemsPerFrame(stage: String) -> Double {
        var items = 0, frames = 0
        for result in results {
            for frame in result.frames {
                frames += 1
                guard let output = frame.outputs.first(where: { $0.key == stage })?.value else { continue }
                if case let .array(xs) = output { items += xs.count } else { items += 1 }
            }
        }
        return frames > 0 ? Double(items) / Double(frames) : 1
    }
}

/// Compares a run with the reference run on the same videos.
public enum RunComparison {
    /// The fraction of (video, summary field) pairs that agree (`OutputAgreement.summaryFields`).
    public static func summaryAgreement(_ reference: [VideoResult], _ candidate: [VideoResult], spec: PipelineSpec) -> Double {
        let reductions = Dictionary(spec.summary.map { ($0.name, $0.reduce) }, uniquingKeysWith: { a, _ in a })
        var agree = 0, total = 0
        for (a, b) in zip(reference, candidate) {
            for field in OutputAgreement.summaryFields(a.summary, b.summary, reductions: reductions) {
                total += 1
                if field.agrees { agree += 1 }
            }
        }
        return total > 0 ? Double(agree) / Double(total) : 1
    }

    /// Per stage, the fraction of items agreeing over the frames matched by their number in the stream:
    /// a frame is one item, a crop stage counts each crop (`OutputAgreement.itemsAgreeing`).
    public static func stageAgreement(_ reference: [VideoResult], _ candidate: [VideoResult], stages: [String]) -> [String: Double] {
        var agree: [String: Int] = [:], total: [String: Int] = [:]
        for (a, b) in zip(reference, candidate) {
            let other = Dictionary(b.frames.map { ($0.sourceIndex ?? $0.index, $0) }, uniquingKeysWith: { x, _ in x })
            for frame in a.frames {
                guard let match = other[frame.sourceIndex ?? frame.index] else { continue }
                for stage in stages {
                    guard let x = frame.outputs.first(where: { $0.key == stage })?.value,
                          let y = match.outputs.first(where: { $0.key == stage })?.value else { continue }
                    let (n, alike) = OutputAgreement.itemsAgreeing(x, y)
                    total[stage, default: 0] += n
                    agree[stage, default: 0] += alike
                }
            }
        }
        var out: [String: Double] = [:]
        for stage in stages { out[stage] = total[stage].map { $0 > 0 ? Double(agree[stage] ?? 0) / Double($0) : 1 } ?? 1 }
        return out
    }
}

/// Keeps every result, in the order written.
actor ResultCollector: ResultSink {
    private(set) var results: [VideoResult] = []
    func write(_ result: VideoResult) async throws { results.append(result) }
    func finish() async throws {}
}
