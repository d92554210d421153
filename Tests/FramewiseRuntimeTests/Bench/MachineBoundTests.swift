import Foundation
import FramewiseCore
@testable import FramewiseRuntime
import FramewiseTesting
import Testing

/// The machine's bound counts preprocessing (image stages only) beside decoding and inference.
@Suite struct MachineBoundTests {
    @Test func preprocessingIsCountedForImageStagesOnly() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 4)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        // The join takes tensors: nothing to preprocess, whatever its item count.
        let tensorsOnly = try await MachineBound.preprocessSeconds(pipeline: pipeline, videos: [video], itemsPerVideo: ["both": 100],
                                                                   cores: 2, seconds: 0.05)
        #expect(tensorsOnly == 0)
        let images = try await MachineBound.preprocessSeconds(pipeline: pipeline, videos: [video], itemsPerVideo: ["left": 10, "both": 10],
                                                              cores: 2, seconds: 0.05)
        #expect(images > 0 && images.isFinite)
        // A video that cannot be decoded leaves no frames to time: zero, not a crash.
        let missing = try await MachineBound.preprocessSeconds(pipeline: pipeline, videos: [Fixtures.path("media/not-there.mp4")],
                                                               itemsPerVideo: ["left": 10], cores: 2, seconds: 0.05)
        #expect(missing == 0)
    }

    @Test func sampledFramesAreTakenFromEveryVideoUpToTheLimit() throws {
        let a = try Fixtures.require(Fixtures.path("media/h264.mp4")), b = try Fixtures.require(Fixtures.path("media/mpeg4.avi"))
        let frames = ProfileFrames.spread(videos: [a, b], sampling: .everyFrame, limit: 6)
        #expect(frames.count == 6)
        #expect(Set(frames.map(\.videoPath)) == [a, b])
    }

    @Test func theBoundAddsEveryPartAndKeepsTheLooserOne() async throws {
        let (spec, backend, _) = ForkJoinTests.forkJoinPipeline(sampling: .everyNth(4), batch: 4)
        let pipeline = try LoadedPipeline(spec: spec, backend: backend)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let bound = try await MachineBound.measure(pipeline: pipeline, videos: [video], itemsPerVideo: ["left": 8, "right": 8, "both": 8],
                                                   cores: 2, workers: 2, secondsPerConfiguration: 0.05)
        #expect(bound.preprocessSecondsPerVideo > 0)
        #expect(Set(bound.stageThroughput.keys) == ["left", "right", "both"])
        let parts = bound.decodeSecondsPerVideo + bound.preprocessSecondsPerVideo + bound.inferenceSecondsPerVideo
        #expect(abs(1 / bound.videosPerSecond - parts) < 1e-9 * parts)
        #expect(bound.videosPerSecond < bound.decodeAndInferenceVideosPerSecond)
    }
}
