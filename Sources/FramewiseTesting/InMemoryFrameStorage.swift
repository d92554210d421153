import FramewiseMedia
import FramewiseRuntime
import Synchronization

/// A `FrameStorage` in this process's memory: frames by (job, video, slot), shared by reference.
/// For tests of the distributed path without a shared folder.
public final class InMemoryFrameStorage: FrameStorage {
    /// Why a frame could not be read.
    public struct Missing: Error, Sendable, CustomStringConvertible {
        public var job: String
        public var video: Int
        public var slot: Int
        public var description: String { "no stored frame \(slot) of video \(video) of job \(job)" }
    }

    private struct Key: Hashable {
        var job: String
        var video: Int
        var slot: Int
    }

    private let frames = Mutex<[Key: VideoFrame]>([:])

    public init() {}

    /// Frames stored now.
    public var count: Int { frames.withLock { $0.count } }

    public func write(_ frame: VideoFrame, job: String, video: Int, slot: Int) throws {
        frames.withLock { $0[Key(job: job, video: video, slot: slot)] = frame }
    }

    public func read(job: String, video: Int, slot: Int, videoPath: String) throws -> VideoFrame {
        guard let frame = frames.withLock({ $0[Key(job: job, video: video, slot: slot)] }) else {
            throw Missing(job: job, video: video, slot: slot)
        }
        return frame
    }

    public func removeVideo(job: String, video: Int) {
        frames.withLock { all in all = all.filter { !($0.key.job == job && $0.key.video == video) } }
    }

    public func removeJob(_ job: String) {
        frames.withLock { all in all = all.filter { $0.key.job != job } }
    }
}
