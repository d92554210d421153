import FramewiseApp
import FramewiseRuntime
import FramewiseTesting
import Testing

/// `framewise profile` times a crop stage's preprocessing on the crops its upstream stages cut
/// from the given video, and says so; on a synthetic frame (no boxes) on stand-in centre crops.
@Suite struct CropProfilingTests {
    @Test func cropStagesAreProfiledOnTheCropsTheDetectorCuts() throws {
        let path = Fixtures.projectRoot.appendingPathComponent("examples/ocr/pipeline.yaml").path
        let library = try Fixtures.require(Fixtures.onnxRuntimeLibrary ?? "<no libonnxruntime in .venv>")
        let pipeline = try PipelineLoading.load(path, ortLibrary: library)
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let onVideo = PipelineProfiling(.init(pipelinePath: path, batches: [1], iterations: 1, video: video, save: false))
        let models = try onVideo.profileModels(pipeline)
        #expect(models.map { $0.measurement.preprocessSource } == [video, "crops cut on \(video)", "crops cut on \(video)"])
        #expect(models.allSatisfy { $0.measurement.preprocessSeconds > 0 })

        let synthetic = PipelineProfiling(.init(pipelinePath: path, batches: [1], iterations: 1, save: false))
        let standIns = try synthetic.profileModels(pipeline).map { $0.measurement.preprocessSource }
        #expect(standIns.count == 3)
        #expect(standIns.dropFirst().allSatisfy { $0.hasPrefix("stand-in centre crops of ") })
    }

    /// `profile --decode-videos` measures each crop stage's crops per parent item on those videos and
    /// keeps it in the decode profile; `plan` takes it where `--fanout` does not say, and says so.
    @Test func fanOutIsMeasuredWithDecodingAndPlannedWith() throws {
        let path = Fixtures.projectRoot.appendingPathComponent("examples/ocr/pipeline.yaml").path
        let library = try Fixtures.require(Fixtures.onnxRuntimeLibrary ?? "<no libonnxruntime in .venv>")
        let pipeline = try PipelineLoading.load(path, ortLibrary: library)
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let profiling = PipelineProfiling(.init(pipelinePath: path, batches: [1], iterations: 1, decodeVideos: [video], save: false))
        let decode = try #require(try profiling.profileDecoding(pipeline)).profile
        // The fixture shows two text lines on every sampled frame: two crops per detector frame for both crop stages.
        let frames = ProfileFrames.spread(videos: [video], sampling: pipeline.spec.sampling, limit: PipelineProfiling.fanoutFrames)
        let crops = try StageInputSampler.images(for: "text", in: pipeline, frames: frames, limit: 1000).count
        #expect(decode.fanout?["text"] == Double(crops) / Double(frames.count))
        #expect(decode.fanout?["orient"] == decode.fanout?["text"])
        #expect(abs((decode.fanout?["text"] ?? 0) - 2) < 0.5)
        #expect(decode.fanout?["det"] == nil, "a stage fed frames has no fan-out")

        var request = PlanRequest(pipelinePath: path, rate: 1, slo: 2)
        request.fanout = ["text": 3]
        let merged = Planning.fanout(request, measured: ["text": 2, "orient": 2])
        #expect(merged.values == ["text": 3, "orient": 2], "--fanout wins, the measured fills the rest")
        #expect(merged.note?.contains("orient=2.00") == true && merged.note?.contains("text=") == false)
        #expect(Planning.fanout(PlanRequest(pipelinePath: path, rate: 1, slo: 2), measured: nil).note == nil)
    }
}
