import FramewiseCore
import Synchronization

/// Knows, for every video in flight, which frames exist and which stages finished them, and
/// finishes the video (result or failure) exactly once: when decoding ended and every frame
/// went through every stage, or at its first error.
final class VideoTracker: Sendable {
    struct Video {
        let path: String
        var frames: [Int: FrameInfo] = [:]
        var framesDone = 0
        var totalFrames: Int?
        var error: String?
        var finished = false
        var stats = VideoStats()
        /// Seconds from decode to the last stage, by slot.
        var frameLatencies: [Int: Double] = [:]
        var media: VideoMetadata?
    }

    /// Which frame of the stream a slot holds.
    struct FrameInfo: Sendable {
        /// Sample number.
        let index: Int
        /// Number in the stream.
        let source: Int
        let time: Double
    }

    /// A finished video, ready to be assembled into a result.
    struct Finished: Sendable {
        let video: Int
        let path: String
        let frames: [Int: FrameInfo]
        let error: String?
        let media: VideoMetadata?
        let stats: VideoStats
        /// Frames that went through every stage.
        let framesDone: Int
        /// Seconds from decode to the last stage, by slot.
        var frameLatencies: [Int: Double] = [:]
    }

    private let videos = Mutex<[Int: Video]>([:])
    /// Finished videos whose state was dropped (`forget`): still finished to late messages.
    private let retired = Mutex(RetiredVideos())

    func start(_ video: Int, path: String) { videos.withLock { $0[video] = Video(path: path) } }

    func isFailed(_ video: Int) -> Bool {
        if let failed = videos.withLock({ all in all[video].map { $0.error != nil || $0.finished } }) { return failed }
        return retired.withLock { $0.contains(video) }
    }

    /// Drops a finished video's state (a long-lived feed keeps nothing per past video); it still
    /// counts as finished, so its late messages are settled, not run.
    func forget(_ video: Int) {
        // Retired before it leaves `videos` (locks taken in this order only), so it never looks unfinished.
        videos.withLock { all in
            guard all[video]?.finished == true else { return }
            retired.withLock { $0.insert(video) }
            all.removeValue(forKey: video)
        }
    }

    func frameDecoded(_ video: Int, slot: Int, index: Int, source: Int, time: Double) {
        videos.withLock { $0[video]?.frames[slot] = FrameInfo(index: index, source: source, time: time) }
    }

    /// A frame went through every stage `seconds` after it was decoded.
    func frameLatency(_ video: Int, slot: Int, seconds: Double) {
        videos.withLock { $0[video]?.frameLatencies[slot] = seconds }
    }

    func addStageTime(_ video: Int, stage: String, time: StageTime) {
        videos.withLock { $0[video]?.stats.stages[stage, default: StageTime()].add(time) }
    }

    /// Decoding ended with `frames` sampled frames; returns the video if that finishes it.
    func decodeFinished(_ video: Int, frames: Int, decoded: Int, decodeSeconds: Double, media: VideoMetadata?, error: String?) -> Finished? {
        videos.withLock { all in
            guard var v = all[video] else { return nil }
            v.media = media
            v.totalFrames = frames
            v.stats.decodedFrames = decoded
            v.stats.decodeSeconds = decodeSeconds
            if let error, v.error == nil { v.error = error }
            if frames == 0 && v.error == nil { v.error = "no frames decoded from \(v.path)" }
            all[video] = v
            return finishIfDone(&all, video)
        }
    }

    /// Every stage finished one frame; returns the video if that finishes it.
    func frameDone(_ video: Int) -> Finished? {
        videos.withLock { all in
            all[video]?.framesDone += 1
            return finishIfDone(&all, video)
        }
    }

    /// The video failed; returns it if it was not finished yet (its decoder may still run).
    func fail(_ video: Int, error: String) -> Finished? {
        videos.withLock { all in
            guard var v = all[video], !v.finished else { return nil }
            if v.error == nil { v.error = error }
            all[video] = v
            return finishIfDone(&all, video, force: v.totalFrames != nil)
        }
    }

    private func finishIfDone(_ all: inout [Int: Video], _ video: Int, force: Bool = false) -> Finished? {
        guard var v = all[video], !v.finished, let total = v.totalFrames else { return nil }
        guard force || v.error != nil || v.framesDone >= total else { return nil }
        v.finished = true
        all[video] = v
        return Finished(video: video, path: v.path, frames: v.frames, error: v.error, media: v.media, stats: v.stats, framesDone: v.framesDone,
                        frameLatencies: v.frameLatencies)
    }
}

/// A set of video numbers that grows by finishing videos, kept small: every number below
/// `below` is in it, and only those above it are stored.
struct RetiredVideos {
    private(set) var below = 0
    private var above: Set<Int> = []

    mutating func insert(_ video: Int) {
        guard video >= below else { return }
        above.insert(video)
        while above.remove(below) != nil { below += 1 }
    }

    func contains(_ video: Int) -> Bool { video < below || above.contains(video) }
}
