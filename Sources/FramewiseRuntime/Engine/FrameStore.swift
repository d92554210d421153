import FramewiseMedia
import Synchronization

/// Decoded frames shared by reference between stages, and each frame's stage outputs so far.
/// A frame and its outputs are dropped as soon as its video is finished.
final class FrameStore: Sendable {
    private struct Entry {
        var frame: VideoFrame
        var outputs: [String: StageFrameOutput] = [:]
        var late = false
        /// Seconds since the engine started when the frame was decoded.
        var readyAt: Double
    }

    private let entries = Mutex<[FrameKey: Entry]>([:])

    func put(_ frame: VideoFrame, at key: FrameKey, readyAt: Double) {
        entries.withLock { $0[key] = Entry(frame: frame, readyAt: readyAt) }
    }

    /// Seconds since the engine started when the frame was decoded.
    func readyAt(_ key: FrameKey) -> Double? { entries.withLock { $0[key]?.readyAt } }

    func frame(_ key: FrameKey) -> VideoFrame? { entries.withLock { $0[key]?.frame } }

    func outputs(_ key: FrameKey) -> [String: StageFrameOutput] { entries.withLock { $0[key]?.outputs ?? [:] } }

    /// Records stage outputs for the frame. Returns the stages done so far and whether these
    /// outputs completed the frame (true exactly once per frame).
    func record(_ outputs: [(stage: String, output: StageFrameOutput)], at key: FrameKey, stageCount: Int) -> (done: Set<String>, completed: Bool) {
        entries.withLock { all in
            guard var entry = all[key] else { return ([], false) }
            let wasComplete = entry.outputs.count >= stageCount
            for (stage, output) in outputs where entry.outputs[stage] == nil { entry.outputs[stage] = output }
            all[key] = entry
            return (Set(entry.outputs.keys), !wasComplete && entry.outputs.count >= stageCount)
        }
    }

    /// Marks the frame as finished after its deadline.
    func markLate(_ key: FrameKey) { entries.withLock { $0[key]?.late = true } }

    /// Whether the frame finished after its deadline.
    func isLate(_ key: FrameKey) -> Bool { entries.withLock { $0[key]?.late ?? false } }

    /// Removes every frame of `video` with its outputs.
    func removeVideo(_ video: Int, slots: Int) {
        entries.withLock { all in
            for slot in 0..<slots { all.removeValue(forKey: FrameKey(video: video, slot: slot)) }
        }
    }
}
