import FramewiseCore
import FramewiseOptimize
import FramewisePlanner

/// Everything a report shows: the results, the trace (optional), a plan and a tuning (optional), the SLO,
/// and the thumbnails already made (by video index).
public struct ReportInput: Sendable {
    public var title: String
    /// What the report was made from, one line each (files, options).
    public var sources: [String]
    public var videos: [ReportVideo]
    public var spans: [SpanRecord]
    public var plan: CapacityPlan?
    /// A tuning to show as tables (`framewise tune --json`), nil: none.
    public var tune: TuneReport?
    /// Per-video SLO, seconds (nil: from the results' deadlines, if any).
    public var slo: Double?
    public var thumbnails: [Int: Result<[Thumbnail], ReportError>]

    public init(title: String, sources: [String] = [], videos: [ReportVideo], spans: [SpanRecord] = [], plan: CapacityPlan? = nil,
                slo: Double? = nil, thumbnails: [Int: Result<[Thumbnail], ReportError>] = [:], tune: TuneReport? = nil) {
        self.tune = tune
        self.title = title
        self.sources = sources
        self.videos = videos
        self.spans = spans
        self.plan = plan
        self.slo = slo
        self.thumbnails = thumbnails
    }

    /// The SLO given, else the one the results' deadlines imply.
    public var effectiveSLO: Double? {
        if let slo { return slo }
        return videos.lazy.compactMap { v in v.times.flatMap { t in t.deadline.map { $0 - t.arrived } } }.first
    }

    /// The earliest moment of the run (Unix seconds): first arrival, else the first span's start.
    public var origin: Double? {
        let arrivals = videos.compactMap { $0.times?.arrived }
        if let first = arrivals.min() { return first }
        return spans.map(\.startUnixNano).min().map { Double($0) / 1e9 }
    }

    /// Seconds from the first arrival to the last result (nil: not recorded).
    public var span: Double? {
        guard let origin, let last = videos.compactMap({ $0.times?.finished }).max() else { return nil }
        return last - origin
    }
}
