import Foundation
import FramewiseCore
import Synchronization

/// The last minutes of the server's work, for `/ui`'s charts: each finished video (when, its
/// pipeline, status, latency and where its time went) and a sample of the videos in flight and
/// queued every few seconds. Older entries are dropped as new ones come.
final class RecentActivity: Sendable {
    /// One finished video.
    struct Finished: Sendable {
        var at: Date
        var pipeline: String
        var ok: Bool
        /// Seconds from the video entering the engine to its result.
        var latency: Double
        var decodeSeconds: Double
        var frames: Int
        var stages: [String: StageTime]
    }

    /// Videos in the engines and waiting in the store at one moment.
    struct Sample: Sendable {
        var at: Date
        var inFlight: Int
        var queued: Int
    }

    /// Seconds of history kept.
    let window: TimeInterval
    private let state = Mutex<(finished: [Finished], samples: [Sample])>(([], []))

    init(window: TimeInterval = 600) { self.window = window }

    func finished(pipeline: String, result: VideoResult, at: Date = Date()) {
        let entry = Finished(at: at, pipeline: pipeline, ok: result.status == .ok, latency: result.stats.wallSeconds,
                             decodeSeconds: result.stats.decodeSeconds, frames: result.stats.sampledFrames, stages: result.stats.stages)
        state.withLock { state in
            state.finished.append(entry)
            Self.prune(&state.finished, before: at.addingTimeInterval(-window), time: \.at)
        }
    }

    func sample(inFlight: Int, queued: Int, at: Date = Date()) {
        state.withLock { state in
            state.samples.append(Sample(at: at, inFlight: inFlight, queued: queued))
            Self.prune(&state.samples, before: at.addingTimeInterval(-window), time: \.at)
        }
    }

    /// What happened within the window before `now`.
    func snapshot(now: Date = Date()) -> (finished: [Finished], samples: [Sample]) {
        let start = now.addingTimeInterval(-window)
        return state.withLock { state in
            (state.finished.filter { $0.at >= start }, state.samples.filter { $0.at >= start })
        }
    }

    private static func prune<T>(_ list: inout [T], before: Date, time: KeyPath<T, Date>) {
        if let keep = list.firstIndex(where: { $0[keyPath: time] >= before }), keep > 0 {
            list.removeFirst(keep)
        } else if let last = list.last, last[keyPath: time] < before {
            list.removeAll()
        }
    }
}
