import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseTesting
import Testing

/// Throughput numbers (decode fps per sampling policy, preprocessing ms per frame). Off by default;
/// run with FRAMEWISE_BENCH=1, preferably in release (`-c release -Xswiftc -enable-testing`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FRAMEWISE_BENCH"] == "1"))
struct DecodeBenchmarkTests {
    static func videos() -> [String] {
        let assets = ["bikes.mp4", "bigbuckbunny.mp4"].map { Fixtures.asset("videos/\($0)") }
            .filter { FileManager.default.fileExists(atPath: $0) }
        return assets.isEmpty ? [Fixtures.path("media/h264_720p.mp4"), Fixtures.path("media/h265.mp4")] : assets
    }

    @Test func decodeThroughput() throws {
        let policies: [SamplingPolicy] = [.everyFrame, .fps(1), .everyNth(10), .keyframes, .uniform(16)]
        for path in Self.videos() {
            for threads in [1, 0] {
                for policy in policies {
                    // Full decode, then with the exact skipping / seeking (the default).
                    for options in [DecoderOptions.fullDecode(threads: threads), DecoderOptions(threads: threads)] {
                        let start = ContinuousClock.now
                        let (frames, decoder) = try MediaFixtures.decodeAll(path, policy, options: options)
                        let seconds = (ContinuousClock.now - start) / .seconds(1)
                        let info = decoder.info
                        print(String(format: "BENCH decode %@ %dx%d threads=%d %@ %@: %d sampled, %d decoded (%d skipped, %d seeks) in %.3f s = %.0f decoded fps, %.0f video-s/s",
                                     (path as NSString).lastPathComponent, info.width, info.height, threads, "\(policy)",
                                     options.allowSeek ? "optimized" : "full", frames.count, decoder.decodedFrameCount,
                                     decoder.skippedFrameCount, decoder.seekCount, seconds,
                                     Double(decoder.decodedFrameCount) / seconds, (info.duration ?? 0) / seconds))
                    }
                }
            }
        }
    }

    @Test func preprocessThroughput() throws {
        let path = try Fixtures.require(Fixtures.path("media/h264_720p.mp4"))
        let (frames, _) = try MediaFixtures.decodeAll(path, .everyNth(6))
        let specs: [(String, PreprocessSpec)] = [
            ("f32 nchw stretch", PreprocessSpec(width: 224, height: 224, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])),
            ("f32 nhwc stretch", PreprocessSpec(width: 224, height: 224, layout: .nhwc)),
            ("f32 nchw letterbox", PreprocessSpec(width: 224, height: 224, resize: .letterbox(anchor: .center, pad: 0))),
            ("f32 nchw shortside256", PreprocessSpec(width: 224, height: 224, resize: .shortSideCenterCrop(shortSide: 256))),
            ("u8 nhwc stretch", PreprocessSpec(width: 224, height: 224, layout: .nhwc, elementType: .uint8)),
        ]
        for (name, spec) in specs {
            let pre = Preprocessor(spec: spec)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: spec.itemByteCount, alignment: 64)
            defer { buffer.deallocate() }
            _ = try pre.process(frames[0], into: buffer)  // warm the context cache
            let rounds = 20
            let start = ContinuousClock.now
            for _ in 0..<rounds { for frame in frames { _ = try pre.process(frame, into: buffer) } }
            let ms = (ContinuousClock.now - start) / .milliseconds(1) / Double(rounds * frames.count)
            print(String(format: "BENCH preprocess 1280x720 -> 224x224 %@: %.3f ms/frame", name, ms))
        }
    }
}
