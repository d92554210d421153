import Foundation
#if canImport(Glibc)
import Glibc
#endif
import FramewiseMedia

/// Where decoded frames of distributed runs live, so every worker can read them by reference
/// (video, slot) and pixels never travel through the broker.
public protocol FrameStorage: Sendable {
    func write(_ frame: VideoFrame, job: String, video: Int, slot: Int) throws
    func read(job: String, video: Int, slot: Int, videoPath: String) throws -> VideoFrame
    func removeVideo(job: String, video: Int)
    func removeJob(_ job: String)
}

/// Frames as files in a folder every worker sees (a local folder on one machine, NFS or
/// another shared mount across machines): `<root>/<job>/<video>/<slot>.frame`.
public struct SharedFolderFrameStorage: FrameStorage {
    public let root: String

    public init(root: String) { self.root = root }

    func path(_ job: String, _ video: Int, _ slot: Int) -> String { "\(root)/\(job)/\(video)/\(slot).frame" }

    public func write(_ frame: VideoFrame, job: String, video: Int, slot: Int) throws {
        try FrameFile.write(frame, to: path(job, video, slot))
    }

    public func read(job: String, video: Int, slot: Int, videoPath: String) throws -> VideoFrame {
        try FrameFile.read(path(job, video, slot), videoPath: videoPath)
    }

    public func removeVideo(job: String, video: Int) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(job)/\(video)")
        // The job's folder goes with its last video (rmdir only removes an empty folder).
        _ = rmdir("\(root)/\(job)")
    }

    public func removeJob(_ job: String) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(job)")
    }
}
