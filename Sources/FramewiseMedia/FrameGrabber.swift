/// Finds frames of a video again by presentation time (for thumbnails of frames a run flagged):
/// decodes every frame in order and keeps, for each wanted time, the frame nearest to it.
public enum FrameGrabber {
    /// The frames nearest to `times` (seconds from the stream start), in the order of `times`;
    /// decoding stops once past the last wanted time. A time past the end gets the last frame.
    public static func frames(of path: String, at times: [Double], threads: Int = 0) throws(MediaError) -> [VideoFrame] {
        guard !times.isEmpty else { return [] }
        let decoder = try VideoDecoder(path: path, sampling: .everyFrame, options: .fullDecode(threads: threads))
        var best = [VideoFrame?](repeating: nil, count: times.count)
        let last = times.max() ?? 0
        while let frame = try decoder.next() {
            for (i, t) in times.enumerated() {
                if let b = best[i], abs(b.time - t) <= abs(frame.time - t) { continue }
                best[i] = frame
            }
            if frame.time > last + 1 { break }
        }
        guard best.allSatisfy({ $0 != nil }) else { throw MediaError(.decodeFailed, path: path, message: "no frames decoded") }
        return best.compactMap { $0 }
    }
}
