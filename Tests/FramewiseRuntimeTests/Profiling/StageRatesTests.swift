import FramewiseCore
import FramewiseRuntime
import Testing

/// Requests per video at each stage: frames from the sampling policy, times crop fan-out.
@Suite struct StageRatesTests {
    static func spec(sampling: SamplingPolicy) -> PipelineSpec {
        let models = ["det", "rec", "cls", "join"].map { ModelSpec(name: $0, path: "/models/\($0).onnx") }
        let stages = [
            StageSpec(name: "recognize", model: "rec", input: .crops(CropSource(stage: "detect"))),
            StageSpec(name: "detect", model: "det", input: .frame),
            StageSpec(name: "classify", model: "cls", input: .frame),
            StageSpec(name: "fuse", model: "join", input: .tensors([TensorBinding(input: "a", stage: "classify"),
                                                                    TensorBinding(input: "b", stage: "recognize")])),
        ]
        return PipelineSpec(name: "p", sampling: sampling, models: models, stages: stages)
    }

    @Test(arguments: [
        (SamplingPolicy.fps(2), 20.0), (.fps(60), 300), (.everyFrame, 300), (.everyNth(7), 43), (.uniform(8), 8), (.keyframes, 5),
    ] as [(SamplingPolicy, Double)])
    func framesPerVideo(sampling: SamplingPolicy, frames: Double) {
        let rates = StageRates(spec: Self.spec(sampling: sampling), assumptions: .init(videoSeconds: 10, sourceFPS: 30, fanout: ["recognize": 3]))
        #expect(rates.framesPerVideo == frames)
        let perVideo = Dictionary(uniqueKeysWithValues: rates.stages.map { ($0.name, $0.perVideo) })
        #expect(perVideo == ["detect": frames, "classify": frames, "recognize": 3 * frames, "fuse": 3 * frames])
    }

    @Test func defaultFanoutIsOneWithANote() {
        let rates = StageRates(spec: Self.spec(sampling: .fps(1)), assumptions: .init(videoSeconds: 4))
        #expect(rates.stages.map(\.name) == ["recognize", "detect", "classify", "fuse"], "declaration order kept")
        #expect(rates.stages.first { $0.name == "recognize" }?.perVideo == 4)
        #expect(rates.stages.first { $0.name == "recognize" }?.inputs == ["detect"])
        #expect(rates.notes.contains { $0.contains("--fanout recognize=N") })
    }
}
