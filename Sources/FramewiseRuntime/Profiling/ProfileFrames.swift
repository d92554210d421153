import Foundation
import FramewiseCore
import FramewiseMedia

/// Decoded frames to time preprocessing on: the first sampled frames of a real video, or a
/// synthetic frame (a 1280x720 gradient written as a one-frame YUV4MPEG file and decoded by
/// FFmpeg, so it is a real `yuv420p` frame like most videos give).
public enum ProfileFrames {
    /// Up to `count` frames of `video` under `sampling`; a synthetic frame when `video` is nil.
    public static func load(video: String?, sampling: SamplingPolicy, count: Int = 16) throws -> [VideoFrame] {
        guard let video else { return [try synthetic()] }
        let decoder = try VideoDecoder(path: video, sampling: sampling, threads: 0)
        var frames: [VideoFrame] = []
        while frames.count < max(1, count), let frame = try decoder.next() { frames.append(frame) }
        guard !frames.isEmpty else {
            throw MediaError(.noVideoStream, path: video, message: "no frames to profile preprocessing on")
        }
        return frames
    }

    /// Up to `limit` frames, taken from each video's first sampled frames in turn (the same number from each); videos that do not open are skipped.
    public static func spread(videos: [String], sampling: SamplingPolicy, limit: Int) -> [VideoFrame] {
        let perVideo = max(1, limit / max(1, videos.count))
        var frames: [VideoFrame] = []
        for video in videos where frames.count < limit {
            guard let decoder = try? VideoDecoder(path: video, sampling: sampling, threads: 1) else { continue }
            var taken = 0
            while taken < perVideo, frames.count < limit, let frame = try? decoder.next() {
                frames.append(frame)
                taken += 1
            }
        }
        return frames
    }

    /// One synthetic `width`x`height` 4:2:0 frame, decoded from a temporary YUV4MPEG file.
    public static func synthetic(width: Int = 1280, height: Int = 720) throws -> VideoFrame {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-profile-\(UUID().uuidString).y4m")
        defer { try? FileManager.default.removeItem(at: url) }
        var data = Data("YUV4MPEG2 W\(width) H\(height) F25:1 Ip A1:1 C420jpeg\nFRAME\n".utf8)
        var luma = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { luma[y * width + x] = UInt8(truncatingIfNeeded: (x + 2 * y) / 8 + 16) } }
        data.append(contentsOf: luma)
        let chroma = (width / 2) * (height / 2)
        data.append(contentsOf: (0..<chroma).map { UInt8(truncatingIfNeeded: 96 + $0 % 64) })
        data.append(contentsOf: (0..<chroma).map { UInt8(truncatingIfNeeded: 160 - $0 % 48) })
        try data.write(to: url)
        let decoder = try VideoDecoder(path: url.path, sampling: .everyFrame, threads: 1)
        guard let frame = try decoder.next() else {
            throw MediaError(.noVideoStream, path: url.path, message: "synthetic frame did not decode")
        }
        return frame
    }
}
