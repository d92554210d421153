import Foundation
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
        var epoch: Int
        var video: Int
        var slot: Int
    }

    private let frames = Mutex<[Key: VideoFrame]>([:])
    private let changed = Mutex<[String: [Int: Date]]>([:])

    public init() {}

    /// Frames stored now.
    public var count: Int { frames.withLock { $0.count } }

    private func touch(_ job: String, _ epoch: Int) { changed.withLock { $0[job, default: [:]][epoch] = Date() } }

    public func write(_ frame: VideoFrame, job: String, epoch: Int, video: Int, slot: Int) throws {
        frames.withLock { $0[Key(job: job, epoch: epoch, video: video, slot: slot)] = frame }
        touch(job, epoch)
    }

    public func read(job: String, epoch: Int, video: Int, slot: Int, videoPath: String) throws -> VideoFrame {
        guard let frame = frames.withLock({ $0[Key(job: job, epoch: epoch, video: video, slot: slot)] }) else {
            throw Missing(job: job, video: video, slot: slot)
        }
        return frame
    }

    public func removeVideo(job: String, epoch: Int, video: Int) {
        frames.withLock { all in all = all.filter { !($0.key.job == job && $0.key.epoch == epoch && $0.key.video == video) } }
        touch(job, epoch)
    }

    public func removeJob(_ job: String) {
        frames.withLock { all in all = all.filter { $0.key.job != job } }
        _ = changed.withLock { $0.removeValue(forKey: job) }
    }

    public func removeEpoch(job: String, epoch: Int) {
        frames.withLock { all in all = all.filter { !($0.key.job == job && $0.key.epoch == epoch) } }
        _ = changed.withLock { $0[job]?.removeValue(forKey: epoch) }
    }

    public func storedEpochs() -> [StoredFrameEpoch] {
        let live = Set(frames.withLock { $0.keys.map { "\($0.job)/\($0.epoch)" } })
        return changed.withLock { all in
            all.flatMap { job, epochs in
                epochs.compactMap { epoch, at in live.contains("\(job)/\(epoch)") ? StoredFrameEpoch(job: job, epoch: epoch, lastChange: at) : nil }
            }
        }
    }
}
