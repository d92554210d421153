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
}
