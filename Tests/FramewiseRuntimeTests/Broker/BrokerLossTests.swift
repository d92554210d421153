import Foundation
import FramewiseCore
@testable import FramewiseRuntime
import Testing

/// How a distributed run tells that the broker lost its job.
@Suite("Broker loss: detection")
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
}
