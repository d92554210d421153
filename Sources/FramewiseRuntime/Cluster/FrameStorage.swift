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
    func removeEpoch(job: String, epoch: Int)
    /// What is stored, per job and epoch, with when it was last written (for sweeping orphans).
    func storedEpochs() -> [StoredFrameEpoch]
}

/// Frames of one epoch of one job in a `FrameStorage`.
public struct StoredFrameEpoch: Sendable, Equatable {
    public var job: String
    public var epoch: Int
    /// The latest time a frame of it was written or removed.
    public var lastChange: Date
    public init(job: String, epoch: Int, lastChange: Date) {
        self.job = job
        self.epoch = epoch
        self.lastChange = lastChange
    }
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

    public func removeEpoch(job: String, epoch: Int) {
        try? FileManager.default.removeItem(atPath: "\(root)/\(job)/\(epoch)")
        _ = rmdir("\(root)/\(job)")
    }

    public func storedEpochs() -> [StoredFrameEpoch] {
        let files = FileManager.default
        var out: [StoredFrameEpoch] = []
        for job in (try? files.contentsOfDirectory(atPath: root)) ?? [] {
            let jobFolder = "\(root)/\(job)"
            for name in (try? files.contentsOfDirectory(atPath: jobFolder)) ?? [] {
                guard let epoch = Int(name) else { continue }
                // A folder's time changes when entries are added to or removed from it: the epoch's
                // folder (videos come and go) and each video's folder (frames are written).
                let folder = "\(jobFolder)/\(name)"
                var latest = Self.modified(folder)
                for video in (try? files.contentsOfDirectory(atPath: folder)) ?? [] {
                    latest = max(latest, Self.modified("\(folder)/\(video)"))
                }
                out.append(StoredFrameEpoch(job: job, epoch: epoch, lastChange: latest))
            }
        }
        return out.sorted { ($0.job, $0.epoch) < ($1.job, $1.epoch) }
    }

    /// Frame files under the root and their total size in bytes.
    public func usage() -> (files: Int, bytes: Int) {
        guard let walker = FileManager.default.enumerator(at: URL(fileURLWithPath: root), includingPropertiesForKeys: [.fileSizeKey]) else {
            return (0, 0)
        }
        var files = 0
        var bytes = 0
        for case let url as URL in walker where url.pathExtension == "frame" {
            files += 1
            bytes += (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return (files, bytes)
    }

    private static func modified(_ path: String) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
