import FramewiseCore
import FramewiseMedia
import FramewiseTesting
import Testing

/// Broken and non-video inputs give a `MediaError` naming the file, never a crash.
@Suite struct BadInputTests {
    static let unopenable: [(String, MediaError.Kind)] = [
        ("empty.mp4", .cannotOpen), ("text.mp4", .cannotOpen), ("truncated_moov_end.mp4", .cannotOpen),
        ("audio_only.m4a", .noVideoStream),
    ]

    @Test(arguments: unopenable)
    func failsAtOpen(name: String, kind: MediaError.Kind) throws {
        let path = try MediaFixtures.path(name)
        let error = #expect(throws: MediaError.self) { try VideoDecoder(path: path, sampling: .everyFrame) }
        #expect(error?.kind == kind)
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
    }

    @Test func randomBytesFailCleanly() throws {
        let path = try MediaFixtures.path("random.mp4")
        // Random bytes may or may not be probed as some format; either way no video comes out of them.
        do {
            let decoder = try VideoDecoder(path: path, sampling: .everyFrame)
            while try decoder.next() != nil {}
            Issue.record("random bytes decoded as video")
        } catch {
            #expect([.cannotOpen, .noVideoStream, .unsupportedCodec, .readFailed, .decodeFailed].contains(error.kind))
            #expect(error.path == path)
        }
    }

    @Test func missingFile() {
        let path = Fixtures.path("media/missing.mp4")
        let error = #expect(throws: MediaError.self) { try VideoDecoder(path: path, sampling: .everyFrame) }
        #expect(error?.kind == .fileNotFound)
        #expect(error?.description.contains("missing.mp4") == true)
    }

    /// Documented behaviour: frames before the cut come out, then one `.readFailed`, then nil.
    @Test func truncatedWithIndexAtFront() throws {
        let path = try MediaFixtures.path("truncated_faststart.mp4")
        let decoder = try VideoDecoder(path: path, sampling: .everyFrame)
        var count = 0
        let error = #expect(throws: MediaError.self) {
            while try decoder.next() != nil { count += 1 }
        }
        #expect(error?.kind == .readFailed)
        #expect(error?.path == path)
        #expect(count > 10 && count < 100)
        #expect(try decoder.next() == nil)
    }

    @Test func corruptPacketsMidFileAreSkipped() throws {
        let path = try MediaFixtures.path("corrupt_mid.mp4")
        let (frames, _) = try MediaFixtures.decodeAll(path, .everyFrame)
        #expect(frames.count > 80)
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.time < $1.time })
    }

    @Test(arguments: [SamplingPolicy.fps(0), .fps(-1), .everyNth(0), .uniform(0)])
    func invalidSamplingIsRejected(policy: SamplingPolicy) throws {
        let path = try MediaFixtures.path("h264.mp4")
        let error = #expect(throws: MediaError.self) { try VideoDecoder(path: path, sampling: policy) }
        #expect(error?.kind == .invalidSampling)
    }

    /// FFmpeg's own messages ("moov atom not found") then go to swift-log as `framewise.ffmpeg` lines.
    @Test func loggingInstallIsIdempotent() throws {
        FFmpegLogging.install(level: .critical)
        FFmpegLogging.install(level: .error)
        let path = try MediaFixtures.path("truncated_moov_end.mp4")
        #expect(throws: MediaError.self) { try VideoDecoder(path: path, sampling: .everyFrame) }
    }
}
