import Foundation
import FramewiseCore
import FramewiseMedia
import Testing

/// Thumbnails: frames found again by time, encoded as JPEG by FFmpeg's mjpeg encoder, and readable by FFmpeg.
@Suite struct JPEGEncoderTests {
    @Test func encodesAFrameFFmpegDecodesAgain() throws {
        let path = try MediaFixtures.path("h264_720p.mp4")
        let frames = try FrameGrabber.frames(of: path, at: [0.5, 0])
        #expect(frames.count == 2 && abs(frames[0].time - 0.5) < 0.05 && frames[1].time == 0)
        let jpeg = try JPEGEncoder().encode(frames[0], maxWidth: 320)
        #expect(jpeg.width == 320 && jpeg.height == 180 && jpeg.sourceWidth == 1280 && jpeg.sourceHeight == 720)
        #expect(Array(jpeg.data.prefix(3)) == [0xFF, 0xD8, 0xFF] && Array(jpeg.data.suffix(2)) == [0xFF, 0xD9], "JPEG start and end markers")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("thumb-\(UUID().uuidString).jpg").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(jpeg.data).write(to: URL(fileURLWithPath: file))
        let decoder = try VideoDecoder(path: file, sampling: .everyFrame, threads: 1)
        let back = try #require(try decoder.next())
        #expect(back.width == 320 && back.height == 180)
    }

    @Test func smallFramesAreNotEnlarged() throws {
        let frame = try #require(try FrameGrabber.frames(of: MediaFixtures.path("odd.mp4"), at: [0]).first)
        let jpeg = try JPEGEncoder().encode(frame, maxWidth: 4096)
        #expect(jpeg.sourceWidth == frame.width && abs(jpeg.width - frame.width) <= 1)
    }

    @Test func aMissingVideoIsAnErrorNamingIt() {
        #expect(throws: MediaError.self) { try FrameGrabber.frames(of: "/nonexistent/clip.mp4", at: [1]) }
    }
}
