import Foundation
import FramewiseCore
import FramewiseMedia

/// Copies chosen frames of a video, bit for bit, into a Y4M file: the video is decoded once in
/// order (every frame) up to the last wanted one, and each wanted frame is appended.
public enum FrameExtractor {
    /// Writes the frames of `video` named by `frames` (source index, else time) to `path`, in
    /// stream order; returns, for each written frame in order, the position in `frames` it serves.
    public static func extract(_ frames: [FrameRef], of video: String, to path: String) throws(IndexError) -> [Int] {
        var wantedBySource: [Int: [Int]] = [:]
        var byTime: [(time: Double, position: Int)] = []
        for (i, f) in frames.enumerated() {
            if let s = f.sourceIndex { wantedBySource[s, default: []].append(i) } else { byTime.append((f.time, i)) }
        }
        let lastSource = wantedBySource.keys.max() ?? -1
        let lastTime = byTime.map(\.time).max() ?? -1
        var order: [Int] = []
        do {
            let decoder = try VideoDecoder(path: video, sampling: .everyFrame, threads: 0)
            let writer = try Y4MWriter(path: path)
            while let frame = try decoder.next() {
                var serves = wantedBySource[frame.sourceIndex] ?? []
                serves += byTime.filter { abs($0.time - frame.time) < 5e-4 }.map(\.position)
                if !serves.isEmpty {
                    try writer.append(frame)
                    order.append(serves[0])
                    // A frame asked for twice is written once per ask, so positions stay one to one.
                    for extra in serves.dropFirst() {
                        try writer.append(frame)
                        order.append(extra)
                    }
                }
                if frame.sourceIndex >= lastSource, frame.time > lastTime + 1e-3 { break }
            }
            try writer.close()
        } catch {
            throw .extraction(video: video, message: "\(error)")
        }
        guard order.count == frames.count else {
            throw .extraction(video: video, message: "found \(order.count) of \(frames.count) frames")
        }
        return order
    }
}
