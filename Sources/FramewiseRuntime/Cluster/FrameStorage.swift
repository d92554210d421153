import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FramewiseMedia

/// Where decoded frames of distributed runs live, so every worker can read them by reference
/// (job, epoch, video, slot) and pixels never travel through the broker. Frames of a job's
/// earlier epochs (before it was started over) are kept apart, so late work of an epoch can
/// only ever touch its own frames.
public protocol FrameStorage: Sendable {
    func write(_ frame: VideoFrame, job: String, epoch: Int, video: Int, slot: Int) throws
    func read(job: String, epoch: Int, video: Int, slot: Int, videoPath: String) throws -> VideoFrame
    func removeVideo(job: String, epoch: Int, video: Int)
    /// Removes every epoch of the job.
    func removeJob(_ job: String)
}

/// Frames as files in a folder every worker sees (a local folder on one machine, NFS or
/// another shared mount across machines): `<root>/<job>/<epoch>/<video>/<slot>.frame`.
public struct SharedFolderFrameStorage: FrameStorage {
    public let root: String

    public init(root: String) { self.root = root }

    func path(_ job: String, _ epoch: Int, _ video: Int, _ slot: Int) -> String { "\(root)/\(job)/\(epoch)/\(video)/\(slot).frame" }

    public func write(_ frame: VideoFrame, job: String, epoch: Int, video: Int, slot: Int) throws {
        try FrameFile.write(frame, to: path(job, epoch, video, slot))
    }

    public func read(job: String, epoch: Int, video: Int, slot: Int, videoPath: String) throws -> VideoFrame {
        try FrameFile.read(path(job, epoch, video, slot), videoPath: videoPath)
    }

    public func removeVideo(job: String, epoch: Int, video: Int) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(job)/\(epoch)/\(video)")
        // The epoch's and job's folders go with their last video (rmdir only removes an empty folder).
        _ = rmdir("\(root)/\(job)/\(epoch)")
        _ = rmdir("\(root)/\(job)")
    }

    public func removeJob(_ job: String) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(job)")
    }
}
