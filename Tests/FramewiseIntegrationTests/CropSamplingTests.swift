import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseOptimize
import FramewiseRuntime
import FramewiseTesting
import Testing

/// What a crop stage is fed outside a run (calibration, the tuner): the pipeline's own upstream
/// stages cut the same boxes the engine cuts in a run.
@Suite struct CropSamplingTests {
    /// The OCR example on its fixture video: the sampler's crops for `text` are, frame by frame,
    /// the boxes a run of the engine reports for `text`; `det` (fed whole frames) gets the frames.
    @Test func theSamplerCutsTheBoxesARunCuts() async throws {
        let pipeline = try Examples.load("ocr")
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let run = try #require(try await Examples.run(pipeline, [video]).first)
        #expect(run.status == .ok, "\(run.error ?? "")")
        var frames: [VideoFrame] = []
        let decoder = try VideoDecoder(path: video, sampling: pipeline.spec.sampling, threads: 0)
        while let frame = try decoder.next() { frames.append(frame) }
        #expect(frames.count == run.frames.count)

        let whole = try StageInputSampler.images(for: "det", in: pipeline, frames: frames, limit: 3)
        #expect(whole.count == min(3, frames.count) && whole.allSatisfy { $0.crop == nil })

        let crops = try StageInputSampler.images(for: "text", in: pipeline, frames: frames, limit: 1000)
        var expected: [Int: [[Double]]] = [:]
        for frame in run.frames {
            guard case let .array(items)? = frame.outputs.first(where: { $0.key == "text" })?.value else { continue }
            expected[frame.index] = items.compactMap { item in
                guard case let .array(box)? = item["box"] else { return nil }
                return box.compactMap(\.number)
            }
        }
        #expect(expected.values.map(\.count).reduce(0, +) >= 2, "the fixture video shows words")
        var got: [Int: [[Double]]] = [:]
        for sample in crops {
            let c = try #require(sample.crop)
            got[sample.frame.index, default: []].append([c.x, c.y, c.x + c.width, c.y + c.height].map { ($0 * 10).rounded() / 10 })
        }
        #expect(got.filter { !$0.value.isEmpty } == expected.filter { !$0.value.isEmpty })

        // Several stages at once (the detector runs once for both crop stages): the same images as one by one.
        let together = try StageInputSampler.images(for: ["det", "orient", "text"], in: pipeline, frames: frames, limit: 1000)
        let orient = try StageInputSampler.images(for: "orient", in: pipeline, frames: frames, limit: 1000)
        #expect(together["text"]?.map(\.crop) == crops.map(\.crop))
        #expect(together["text"]?.map(\.rotate180) == crops.map(\.rotate180))
        #expect(together["orient"]?.map(\.crop) == orient.map(\.crop))
        #expect(together["det"]?.count == frames.count)

        let limited = try StageInputSampler.images(for: "text", in: pipeline, frames: frames, limit: 1)
        #expect(limited.count == 1)
        #expect(throws: StageError.self) { try StageInputSampler.images(for: "nope", in: pipeline, frames: frames, limit: 1) }
    }

    /// The profiler and the machine's bound time a crop stage on what it is fed: the crops the
    /// detector cuts on real frames (the same as `images`), and the centre half of each frame only
    /// where the detector finds nothing (a synthetic frame); a frame stage gets the frames.
    @Test func cropStagesAreTimedOnCutCropsWhenThereAreAny() throws {
        let pipeline = try Examples.load("ocr")
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let frames = try ProfileFrames.load(video: video, sampling: pipeline.spec.sampling, count: 4)
        let cut = try StageInputSampler.timingImages(for: "text", in: pipeline, frames: frames, limit: 64)
        let expected = try StageInputSampler.images(for: "text", in: pipeline, frames: frames, limit: 64)
        #expect(cut.cut && !cut.images.isEmpty)
        #expect(cut.images.map(\.crop) == expected.map(\.crop))
        #expect(cut.images.allSatisfy { c in
            guard let r = c.crop else { return false }
            return r.width < Double(c.frame.width) / 2 || r.height < Double(c.frame.height) / 2
        }, "text lines, not the centre half of the frame")

        let synthetic = try ProfileFrames.load(video: nil, sampling: pipeline.spec.sampling, count: 2)
        let standIns = try StageInputSampler.timingImages(for: "text", in: pipeline, frames: synthetic, limit: 64)
        #expect(!standIns.cut && standIns.images.count == synthetic.count)
        #expect(standIns.images.allSatisfy { $0.crop?.width == Double($0.frame.width) / 2 && $0.crop?.height == Double($0.frame.height) / 2 })

        let whole = try StageInputSampler.timingImages(for: "det", in: pipeline, frames: synthetic, limit: 64)
        #expect(whole.cut && whole.images.allSatisfy { $0.crop == nil })
    }

    /// `optimize` on the OCR example calibrates and compares the recogniser on the crops its
    /// detector cuts (not on whole frames): the report names the crop stage, the clean variant
    /// reads every held-out crop's text exactly as the original does.
    @Test func optimizeComparesTheRecogniserOnCrops() throws {
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("report.json").path
        let r = try CLITests.framewise(["optimize", Examples.pipelinePath("ocr"), "--calibrate", video, "--output", dir.path,
                                        "--json", json, "--calibration-frames", "6", "--variants", "clean", "--no-register"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let reports = try JSONDecoder().decode([ModelReport].self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(reports.map(\.model) == ["det", "cls", "rec"])
        let rec = try #require(reports.first { $0.model == "rec" })
        #expect(rec.stage == "text")
        #expect(rec.notes.contains { $0.contains("crops of stage 'text'") })
        #expect(rec.calibrationFrames >= 1 && rec.heldOutFrames >= 1)
        let clean = try #require(rec.variants.first { $0.variant == "clean" }?.accuracy)
        #expect(clean.frames == rec.heldOutFrames)
        #expect(clean.textMatchRate == 1)
        #expect(r.stdout.contains("held-out crops through stage text"))
    }
}
