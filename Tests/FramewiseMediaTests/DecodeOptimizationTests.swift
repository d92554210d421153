import Foundation
import FramewiseCore
@testable import FramewiseMedia
import FramewiseTesting
import Testing

/// Skipping non-reference frames and seeking must not change any sampled frame: same index, source
/// index, time, keyframe flag and pixels as a full decode (`DecoderOptions.fullDecode()`).
@Suite struct DecodeOptimizationTests {
    static let videos = ["h264.mp4", "h264.ts", "raw.h264", "h265.mp4", "odd.mp4", "vfr.mp4", "mpeg4.avi", "h264_720p.mp4",
                         "h264_longgop_b.mp4", "h264_gop5_b.mp4", "h264_gop5_b.mkv", "h264_intra.mp4", "h264_opengop.mp4"]
    static let policies: [SamplingPolicy] = [
        .everyFrame, .everyNth(7), .everyNth(2), .fps(1), .fps(5), .fps(7.5), .fps(12.5), .keyframes,
        .uniform(5), .uniform(1), .uniform(4), .uniform(200),
    ]

    struct Sample: Equatable, CustomStringConvertible {
        let index: Int, sourceIndex: Int, time: Double, isKeyframe: Bool, width: Int, height: Int, checksum: UInt64
        init(_ f: VideoFrame) {
            index = f.index; sourceIndex = f.sourceIndex; time = f.time; isKeyframe = f.isKeyframe
            width = f.width; height = f.height; checksum = f.planeChecksum()
        }
        var description: String { "#\(index) src \(sourceIndex) t \(time) key \(isKeyframe) \(checksum)" }
    }

    static func samples(_ path: String, _ policy: SamplingPolicy, _ options: DecoderOptions) throws -> ([Sample], VideoDecoder) {
        let (frames, decoder) = try MediaFixtures.decodeAll(path, policy, options: options)
        return (frames.map(Sample.init), decoder)
    }

    @discardableResult
    static func compare(_ path: String, _ policy: SamplingPolicy, _ options: DecoderOptions,
                        reference: DecoderOptions = .fullDecode()) throws -> (optimized: VideoDecoder, full: VideoDecoder) {
        let (want, full) = try samples(path, policy, reference)
        let (got, optimized) = try samples(path, policy, options)
        let name = (path as NSString).lastPathComponent
        #expect(got.count == want.count, "\(name) \(policy) \(options)")
        for (g, w) in zip(got, want) where g != w {
            Issue.record("\(name) \(policy) \(options): got \(g), want \(w)")
            break
        }
        #expect(optimized.decodedFrameCount <= full.decodedFrameCount, "\(name) \(policy)")
        #expect(full.skippedFrameCount == 0 && full.seekCount == 0 && !full.usesDecodePlan)
        return (optimized, full)
    }

    @Test(arguments: videos, policies)
    func optimizedDecodeEqualsFullDecode(video name: String, policy: SamplingPolicy) throws {
        let path = try MediaFixtures.path(name)
        try Self.compare(path, policy, DecoderOptions())
        try Self.compare(path, policy, DecoderOptions(allowSkipNonRef: false))  // seeking alone
        try Self.compare(path, policy, DecoderOptions(allowSeek: false))  // skipping alone
    }

    @Test(arguments: [DecoderOptions(threads: 1, threadType: .frame), DecoderOptions(threads: 2, threadType: .frame),
                      DecoderOptions(threads: 2, threadType: .slice), DecoderOptions(threads: 3, threadType: .automatic)])
    func threadingDoesNotChangeTheFrames(options: DecoderOptions) throws {
        for name in ["h264_longgop_b.mp4", "h264_gop5_b.mp4", "h264_intra.mp4", "h265.mp4"] {
            for policy in [SamplingPolicy.fps(1), .fps(7.5), .uniform(4), .everyNth(7)] {
                try Self.compare(MediaFixtures.path(name), policy, options, reference: .fullDecode(threads: 1))
            }
        }
    }

    @Test func fpsOnALongGopBFrameClipSkipsNonReferenceFrames() throws {
        let path = try MediaFixtures.path("h264_longgop_b.mp4")
        let (optimized, full) = try Self.compare(path, .fps(1), DecoderOptions())
        #expect(optimized.usesDecodePlan)
        #expect(optimized.seekCount == 0)  // one keyframe: nothing to seek to
        #expect(optimized.skippedFrameCount > 0)
        // Frames after the last sample (9 s) are not read at all.
        #expect(optimized.decodedFrameCount + optimized.skippedFrameCount <= full.decodedFrameCount)
        #expect(optimized.decodedFrameCount < full.decodedFrameCount)
        #expect(optimized.packetsRead <= full.packetsRead)
    }

    @Test(arguments: ["h264_gop5_b.mp4", "h264_gop5_b.mkv"])
    func uniformOnAShortGopClipSeeks(video name: String) throws {
        let path = try MediaFixtures.path(name)
        let (seeking, full) = try Self.compare(path, .uniform(4), DecoderOptions(allowSkipNonRef: false))
        #expect(seeking.seekCount > 0)
        #expect(seeking.skippedFrameCount == 0)
        #expect(seeking.decodedFrameCount < full.decodedFrameCount)
        #expect(seeking.packetsRead < full.packetsRead)
        let (both, _) = try Self.compare(path, .uniform(4), DecoderOptions())
        #expect(both.decodedFrameCount <= seeking.decodedFrameCount)
    }

    @Test func intraOnlyClipSeeksFromFrameToFrame() throws {
        let path = try MediaFixtures.path("h264_intra.mp4")
        let (optimized, full) = try Self.compare(path, .fps(1), DecoderOptions())
        #expect(optimized.seekCount >= 2)
        #expect(optimized.decodedFrameCount <= 2 * 3 + 1 && full.decodedFrameCount == 75)
    }

    @Test func openGopRecoveryPointsAreNotSeekPoints() throws {
        let path = try MediaFixtures.path("h264_opengop.mp4")
        let (optimized, _) = try Self.compare(path, .uniform(4), DecoderOptions(allowSkipNonRef: false))
        #expect(optimized.seekCount == 0)
    }

    @Test func streamsWithoutTimestampsDecodeEverything() throws {
        let path = try MediaFixtures.path("raw.h264")
        let (optimized, full) = try Self.compare(path, .fps(1), DecoderOptions())
        #expect(!optimized.usesDecodePlan)
        #expect(optimized.decodedFrameCount == full.decodedFrameCount)
    }

    @Test func transportStreamSkipsButDoesNotSeek() throws {
        let path = try MediaFixtures.path("h264.ts")
        let (optimized, _) = try Self.compare(path, .uniform(3), DecoderOptions())
        #expect(optimized.seekCount == 0)
        #expect(optimized.skippedFrameCount > 0)
    }

    @Test(arguments: ["bikes.mp4", "bigbuckbunny.mp4", "vtest.avi"])
    func realVideos(name: String) throws {
        let path = Fixtures.asset("videos/\(name)")
        try #require(FileManager.default.fileExists(atPath: path), "asset \(name) missing")
        for policy in [SamplingPolicy.fps(1), .fps(5), .uniform(8), .everyNth(10)] {
            try Self.compare(path, policy, DecoderOptions())
        }
    }

    @Test func lossyKnobsAreOffByDefaultAndChangePixels() throws {
        let defaults = DecoderOptions()
        #expect(!defaults.skipLoopFilter && defaults.lowres == 0 && !defaults.isLossy)
        #expect(defaults.allowSkipNonRef && defaults.allowSeek)
        #expect(!DecoderOptions.automatic(cores: 8, videosInFlight: 1).isLossy)
        let path = try MediaFixtures.path("h264.mp4")
        let (exact, _) = try Self.samples(path, .everyNth(10), .fullDecode())
        let (lossy, decoder) = try Self.samples(path, .everyNth(10), DecoderOptions(skipLoopFilter: true))
        #expect(decoder.options.isLossy)
        #expect(exact.map(\.sourceIndex) == lossy.map(\.sourceIndex))
        #expect(exact.map(\.checksum) != lossy.map(\.checksum))
    }

    @Test func automaticThreads() {
        #expect(DecoderOptions.automatic(cores: 8, videosInFlight: 1) == DecoderOptions(threads: 8, threadType: .frame))
        #expect(DecoderOptions.automatic(cores: 8, videosInFlight: 3).threads == 2)
        #expect(DecoderOptions.automatic(cores: 8, videosInFlight: 8).threads == 1)
        #expect(DecoderOptions.automatic(cores: 2, videosInFlight: 40).threads == 1)
        #expect(DecoderOptions.automatic(cores: 0, videosInFlight: 0).threads == 1)
    }
}
