import FramewiseMedia
import Synchronization

/// Decoded frames shared by reference between stages, and each frame's stage outputs so far.
/// A frame and its outputs are dropped as soon as its video is finished.
final class FrameStore: Sendable {
    private struct Entry {
        var frame: VideoFrame
        var outputs: [String: StageFrameOutput] = [:]
    }

    private let entries = Mutex<[FrameKey: Entry]>([:])

    func put(_ frame: VideoFrame, at key: FrameKey) {
        entries.withLock { $0[key] = Entry(frame: frame) }
    }

    func frame(_ key: FrameKey) -> VideoFrame? { entries.withLock { $0[key]?.frame } }

    func outputs(_ key: FrameKey) -> [String: StageFrameOutput] { entries.withLock { $0[key]?.outputs ?? [:] } }

    /// Records `stage`'s output for the frame and returns the names of the stages done so far.
    func record(_ output: StageFrameOutput, stage: String, at key: FrameKey) -> Set<String> {
        entries.withLock { all in
            all[key]?.outputs[stage] = output
            return Set(all[key]?.outputs.keys.map { $0 } ?? [])
        }
    }

    /// Removes every frame of `video` with its outputs.
    func removeVideo(_ video: Int, slots: Int) {
        entries.withLock { all in
            for slot in 0..<slots { all.removeValue(forKey: FrameKey(video: video, slot: slot)) }
        }
    }
}
