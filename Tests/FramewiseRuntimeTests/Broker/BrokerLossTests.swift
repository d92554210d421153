import Foundation
import FramewiseCore
@testable import FramewiseRuntime
import Testing

/// How a distributed run tells that the broker lost its job, and which frames workers sweep.
@Suite("Broker loss: detection and orphaned frames")
struct BrokerLossTests {
    @Test("the detector: a new or missing token, a gone or other epoch, and evictions are losses; the first look sets the eviction count")
    func detector() {
        var d = BrokerLossDetector(storeEpoch: "t1", jobEpoch: 1)
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 1, evictedKeys: 7)) == nil, "first look: a baseline, not a loss")
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 1, evictedKeys: 7)) == nil)
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 1, evictedKeys: nil)) == nil, "INFO refused: cannot tell")
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 1, evictedKeys: 9)) == .keysEvicted(2))
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 1, evictedKeys: 9)) == nil, "counted once")
        #expect(d.observe(JobStoreCheck(storeEpoch: nil, jobEpoch: nil)) == .storeReplaced)
        #expect(d.observe(JobStoreCheck(storeEpoch: "t2", jobEpoch: 1)) == .storeReplaced)
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: nil)) == .jobGone)
        #expect(d.observe(JobStoreCheck(storeEpoch: "t1", jobEpoch: 2)) == .jobGone)
    }

    @Test("a stored video is complete with its error, or with its frame count and every frame")
    func storedVideoComplete() {
        let frame = StoredFrame(slot: 0, info: StoredFrameInfo(index: 0, time: 0, readyAt: 0), outputs: [:])
        #expect(StoredVideo(error: "bad").isComplete)
        #expect(StoredVideo(totalFrames: 0).isComplete)
        #expect(StoredVideo(totalFrames: 1, frames: [frame]).isComplete)
        #expect(!StoredVideo().isComplete, "the video's hash is gone")
        #expect(!StoredVideo(totalFrames: 2, frames: [frame]).isComplete, "a frame's hash is gone")
    }

    @Test("orphans: epochs of jobs that are gone or of earlier epochs, untouched for the grace period")
    func orphans() {
        let now = Date(timeIntervalSince1970: 10_000)
        let old = now.addingTimeInterval(-600)
        let recent = now.addingTimeInterval(-10)
        let stored = [
            StoredFrameEpoch(job: "gone", epoch: 1, lastChange: old),
            StoredFrameEpoch(job: "gone-recently", epoch: 1, lastChange: recent),
            StoredFrameEpoch(job: "live", epoch: 1, lastChange: old),
            StoredFrameEpoch(job: "live", epoch: 2, lastChange: old),
        ]
        let swept = OrphanFrames.select(stored, epochs: ["live": 2], now: now, grace: .seconds(300))
        #expect(swept.map { "\($0.job)/\($0.epoch)" } == ["gone/1", "live/1"])
    }

    @Test("the shared folder lists each job's epochs with their latest change, and removes one epoch")
    func sharedFolderEpochs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fw-epochs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for path in ["a/1/0", "a/2/0", "a/2/1", "b/1/3"] {
            let folder = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(count: 10).write(to: folder.appendingPathComponent("0.frame"))
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/not-an-epoch"), withIntermediateDirectories: true)
        let storage = SharedFolderFrameStorage(root: root.path)
        let stored = storage.storedEpochs()
        #expect(stored.map { "\($0.job)/\($0.epoch)" } == ["a/1", "a/2", "b/1"])
        #expect(stored.allSatisfy { abs($0.lastChange.timeIntervalSinceNow) < 60 })
        #expect(storage.usage() == (4, 40))
        storage.removeEpoch(job: "a", epoch: 1)
        storage.removeEpoch(job: "b", epoch: 1)
        #expect(storage.storedEpochs().map { "\($0.job)/\($0.epoch)" } == ["a/2"])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("b").path), "an empty job folder goes with its last epoch")
    }
}
