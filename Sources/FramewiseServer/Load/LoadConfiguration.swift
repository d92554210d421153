import Foundation
import FramewiseCore

/// What `framewise load` offers a running server: one job per video, submitted open loop
/// (Poisson or evenly spaced arrivals at `rate`, whatever the server answers) for `duration` seconds
/// or `jobs` jobs.
public struct LoadConfiguration: Sendable {
    /// The server, e.g. `http://127.0.0.1:8080`.
    public var base: String
    /// The pipeline's name (nil: the server's only one, from /readyz).
    public var pipeline: String?
    /// Videos as the server reads them (absolute paths under its allowed roots, or URLs), cycled.
    public var videos: [String]
    /// Jobs offered per second.
    public var rate: Double
    /// Seconds to offer load for (arrivals stop then), unless `jobs` is given.
    public var duration: Double?
    /// Jobs to offer in all.
    public var jobs: Int?
    public var token: String?
    /// Per-video SLO sent with each job (e.g. "2s").
    public var slo: String?
    /// The arrival process: Poisson (exponential gaps, the default) or uniform (every 1/rate s, as wrk2).
    public var arrivals: ArrivalProcess.Kind
    /// Seed of the Poisson arrivals.
    public var seed: UInt64
    /// How long a job may take from submission to its result before it counts as timed out.
    public var resultTimeout: Double
    /// Keep-alive connections opened before the first arrival (as `wrk -c` does), so that the
    /// per-request figures measure requests rather than the TCP and HTTP set-up of a new connection;
    /// more are opened when more requests overlap. 0: opened as requests need them.
    public var connections = 0

    public init(base: String, pipeline: String? = nil, videos: [String], rate: Double, duration: Double? = nil, jobs: Int? = nil,
                token: String? = nil, slo: String? = nil, arrivals: ArrivalProcess.Kind = .poisson, seed: UInt64 = 1,
                resultTimeout: Double = 600) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.pipeline = pipeline
        self.videos = videos
        self.rate = rate
        self.duration = duration
        self.jobs = jobs
        self.token = token
        self.slo = slo
        self.arrivals = arrivals
        self.seed = seed
        self.resultTimeout = resultTimeout
    }
}

/// Why a load run could not start or went wrong as a whole.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
