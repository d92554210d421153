import FramewiseCore
import FramewiseMedia
import Testing

/// Frame counts and timestamps per sampling policy, against ffprobe's independent reading of each video.
@Suite struct SamplingTests {
    static let videos = ["h264.mp4", "h264.ts", "raw.h264", "h265.mp4", "odd.mp4", "vfr.mp4", "mpeg4.avi",
                         "h264_longgop_b.mp4", "h264_gop5_b.mp4", "h264_gop5_b.mkv"]
    static let policies: [SamplingPolicy] = [
        .everyFrame, .everyNth(7), .fps(1), .fps(5), .fps(7.5), .keyframes, .uniform(5), .uniform(1), .uniform(200),
    ]

    @Test(arguments: videos, policies)
    func matchesFFprobe(video name: String, policy: SamplingPolicy) throws {
        let expected = try MediaFixtures.video(name)
        let (frames, decoder) = try MediaFixtures.decodeAll(MediaFixtures.path(name), policy)
        let times = expected.times
        let want = ExpectedSampling.indices(policy, times: times, keys: expected.keyIndices, duration: expected.duration)
        #expect(frames.map(\.sourceIndex) == want, "\(name) \(policy)")
        #expect(frames.map(\.index) == Array(frames.indices))
        for frame in frames where frame.sourceIndex < times.count {
            #expect(abs(frame.time - times[frame.sourceIndex]) < 1e-3, "\(name) frame \(frame.sourceIndex)")
            #expect(frame.isKeyframe == (expected.key_frame[frame.sourceIndex] == 1))
            #expect(frame.width == expected.width && frame.height == expected.height)
        }
        #expect(decoder.sampledFrameCount == frames.count)
        // Every frame is decoded unless the decoder skips / seeks on a prescan plan (DecodeOptimizationTests
        // checks that the frames then equal a full decode's).
        if policy != .keyframes && !decoder.usesDecodePlan { #expect(decoder.decodedFrameCount == times.count) }
        if policy != .keyframes { #expect(decoder.decodedFrameCount <= times.count) }
    }

    @Test(arguments: videos)
    func keyframesOnlyDecodesFewerFrames(video name: String) throws {
        let path = try MediaFixtures.path(name)
        let expected = try MediaFixtures.video(name)
        let all = try MediaFixtures.decodeAll(path, .everyFrame).decoder
        let keys = try MediaFixtures.decodeAll(path, .keyframes).decoder
        #expect(all.decodedFrameCount == expected.pts_time.count)
        #expect(keys.decodedFrameCount == expected.keyIndices.count)
        #expect(keys.decodedFrameCount < all.decodedFrameCount)
    }

    @Test(arguments: videos)
    func infoMatchesFFprobe(video name: String) throws {
        let expected = try MediaFixtures.video(name)
        let decoder = try VideoDecoder(path: MediaFixtures.path(name), sampling: .everyFrame)
        let info = decoder.info
        #expect(info.codecName == expected.codec)
        #expect(info.width == expected.width && info.height == expected.height)
        #expect(abs(info.averageFPS - expected.avg_fps) < 0.01)
        if name == "raw.h264" {
            // A raw stream states neither duration nor frame count.
            #expect(info.duration == nil && info.frameCountEstimate == 0)
        } else {
            #expect(abs((info.duration ?? -1) - expected.duration) < 0.05)
            #expect(abs(info.frameCountEstimate - expected.pts_time.count) <= 1)
        }
    }

    @Test func keyframeIntervalFromTheIndex() throws {
        let decoder = try VideoDecoder(path: MediaFixtures.path("h264.mp4"), sampling: .everyFrame)
        #expect(abs((decoder.info.keyframeInterval ?? 0) - 1.0) < 0.01)  // GOP 25 at 25 fps
    }

    @Test(arguments: [1, 2])
    func threadCountDoesNotChangeTheFrames(threads: Int) throws {
        let path = try MediaFixtures.path("h264.mp4")
        let frames = try MediaFixtures.decodeAll(path, .everyFrame, threads: threads).frames
        #expect(frames.count == 100)
        #expect(frames.indices.allSatisfy { abs(frames[$0].time - Double($0) * 0.04) < 1e-6 })
    }
}
