import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The decode cost `framewise profile` saves for CPU plans.
@Suite struct DecodeProfilerTests {
    @Test(arguments: [SamplingPolicy.fps(2), .everyFrame, .keyframes])
    func measuresWhatTheDecoderDid(sampling: SamplingPolicy) throws {
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let m = try DecodeProfiler.measure(videos: [video, video], pipeline: "p", sampling: sampling, threads: 1, device: "test-cpu")
        // The same numbers a decoder reports for the same video and sampling, twice.
        let decoder = try VideoDecoder(path: video, sampling: sampling, threads: 1)
        while try decoder.next() != nil {}
        #expect(m.videos == 2)
        #expect(m.sampledFrames == 2 * decoder.sampledFrameCount)
        #expect(m.decodedFrames == 2 * decoder.decodedFrameCount)
        #expect(m.decodedFrames >= m.sampledFrames && m.sampledFrames > 0)
        #expect(m.videoSeconds > 0)
        if let duration = decoder.info.duration { #expect(abs(m.videoSeconds - 2 * duration) < 1e-9) }
        #expect(m.cpuSeconds >= 0 && m.wallSeconds > 0)
        #expect(m.threadsPerDecoder == 1)
        #expect(m.pipeline == "p" && m.deviceName == "test-cpu" && m.sampling == sampling.description)
    }

    @Test func aBadVideoIsATypedErrorNamingIt() throws {
        let missing = Fixtures.path("media/not-there.mp4")
        #expect {
            try DecodeProfiler.measure(videos: [missing], pipeline: "p", sampling: .fps(1), threads: 1)
        } throws: { error in
            (error as? DecodeProfilingError)?.video == missing && "\(error)".contains("not-there.mp4")
        }
    }

    @Test func followsTheEnginesDecoderThreads() {
        var spec = PipelineSpec(name: "p", models: [], stages: [])
        #expect(DecodeProfiler.engineThreads(spec: spec) == 1)
        spec.decode.threads = 3
        #expect(DecodeProfiler.engineThreads(spec: spec) == 3)
    }
}
