import Foundation
import FramewiseCore

/// A video's latency, from its arrival and from its admission into the engine.
public struct VideoLatency: Sendable, Equatable {
    public var fromArrival: Double
    public var fromAdmission: Double
    /// Seconds from the run's start at which the video finished (nil: not recorded).
    public var finishedAt: Double?
    public init(fromArrival: Double, fromAdmission: Double, finishedAt: Double? = nil) {
        self.fromArrival = fromArrival
        self.fromAdmission = fromAdmission
        self.finishedAt = finishedAt
    }
}

/// Totals of a run: videos ok and failed, frames, wall time, latency from arrival and from
/// admission, SLO attainment and goodput, and where the time went.
public struct RunReport: Sendable {
    public var videosOK = 0
    public var videosFailed = 0
    public var sampledFrames = 0
    public var decodedFrames = 0
    public var wallSeconds = 0.0
    public var decodeSeconds = 0.0
    public var stages: [String: StageTime] = [:]
    /// Per-video latency: seconds from the video's arrival (the run's start when every video is
    /// submitted at once) to its result.
    public var videoSeconds: [Double] = []
    /// Per-video latency from admission into the engine (equal to `videoSeconds` when nothing waited).
    public var admittedSeconds: [Double] = []
    /// Seconds from the run's start at which each video finished, in finishing order where recorded.
    public var finishedAt: [Double] = []
    /// Per-frame latency (streaming engine): seconds from a frame's decode to its last stage.
    public var frameSeconds: [Double] = []
    /// Failed videos and their errors.
    public var failures: [(video: String, error: String)] = []
    /// The per-video latency objective, seconds from arrival (nil: none).
    public var slo: Double?
    /// Videos that finished ok within the SLO with none of their frames dropped.
    public var videosWithinSLO = 0
    /// Frames dropped before running (deadlines), over all stages.
    public var droppedFrames = 0
    /// Videos per second offered (open-loop arrivals; nil: all submitted at once).
    public var offeredRate: Double?
    /// Videos per second that actually arrived, first to last arrival (open loop; nil: all at
    /// once). A finite Poisson sample arrives faster or slower than its nominal rate (±1/√n), so
    /// the throughput it sustained is compared with this, not with `offeredRate`.
    public var arrivalRate: Double?
    /// Most videos admitted at once (nil: not limited).
    public var maxInFlight: Int?
    /// The most frames that were inside the pipeline at once.
    public var peakFramesInPipeline = 0
    /// The run was interrupted: `videos` counts the videos that finished and were written, not all given.
    public var interrupted = false

    public init() {}

    /// Adds a video's result; `latency` is seconds from arrival to result (default: its processing time).
    public mutating func add(_ result: VideoResult, latency: Double? = nil) {
        let l = latency ?? result.stats.wallSeconds
        add(result, latency: VideoLatency(fromArrival: l, fromAdmission: l))
    }

    /// Adds a video's result with its latency from arrival and from admission.
    public mutating func add(_ result: VideoResult, latency: VideoLatency) {
        if result.status == .ok { videosOK += 1 } else {
            videosFailed += 1
            failures.append((result.video, result.error ?? "unknown error"))
        }
        sampledFrames += result.stats.sampledFrames
        decodedFrames += result.stats.decodedFrames
        decodeSeconds += result.stats.decodeSeconds
        videoSeconds.append(latency.fromArrival)
        admittedSeconds.append(latency.fromAdmission)
        if let at = latency.finishedAt { finishedAt.append(at) }
        let dropped = result.stats.stages.values.reduce(0) { $0 + $1.dropped }
        droppedFrames += dropped
        if let slo, result.status == .ok, dropped == 0, latency.fromArrival <= slo { videosWithinSLO += 1 }
        for (name, t) in result.stats.stages { stages[name, default: StageTime()].add(t) }
    }

    public var videos: Int { videosOK + videosFailed }
    /// Videos finished ok per second of wall time: failed videos are not throughput (a run where
    /// every video fails at open is fast and useless) and are counted apart, in `videosFailed`.
    public var videosPerSecond: Double { wallSeconds > 0 ? Double(videosOK) / wallSeconds : 0 }
    public var framesPerSecond: Double { wallSeconds > 0 ? Double(sampledFrames) / wallSeconds : 0 }
    /// Completions per second between the first and the last video to finish: the throughput an
    /// open-loop run sustained, without the ramp before the first result (nil under two videos).
    public var completionRate: Double? {
        guard finishedAt.count >= 2, let first = finishedAt.min(), let last = finishedAt.max(), last > first else { return nil }
        return Double(finishedAt.count - 1) / (last - first)
    }
    /// Share of videos finished ok within the SLO with no frame dropped (nil without an SLO).
    public var sloAttainment: Double? { slo.map { _ in videos > 0 ? Double(videosWithinSLO) / Double(videos) : 0 } }
    /// Videos per second finished within the SLO (nil without an SLO).
    public var goodput: Double? { slo.map { _ in wallSeconds > 0 ? Double(videosWithinSLO) / wallSeconds : 0 } }

    /// Share of frames that went through every stage within `seconds` of being decoded (frames
    /// dropped on the way never count as within): the per-request criterion of a plan, whose
    /// latencies count from a decoded frame.
    public func frameAttainment(within seconds: Double) -> Double? {
        let total = frameSeconds.count + droppedFrames
        guard total > 0 else { return nil }
        return Double(frameSeconds.filter { $0 <= seconds }.count) / Double(total)
    }

    /// The `p`-th percentile (0...100) of per-video latency from arrival, nearest rank.
    public func latencyPercentile(_ p: Double) -> Double { Self.percentile(p, of: videoSeconds) }

    /// The `p`-th percentile (0...100) of per-video latency from admission, nearest rank.
    public func admittedLatencyPercentile(_ p: Double) -> Double { Self.percentile(p, of: admittedSeconds) }

    /// The `p`-th percentile (0...100) of per-frame latency, nearest rank (0 when not recorded).
    public func frameLatencyPercentile(_ p: Double) -> Double { Self.percentile(p, of: frameSeconds) }

    static func percentile(_ p: Double, of values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
