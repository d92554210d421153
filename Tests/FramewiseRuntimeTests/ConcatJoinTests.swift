import FramewiseCore
import FramewiseMedia
@testable import FramewiseRuntime
import FramewiseTesting
import Testing

/// A join that concatenates upstream tensors into one model input, checked at load against the
/// model's declared shape, and fed the same values in both engines.
@Suite struct ConcatJoinTests {
    /// A model with one input `features` [N,width] that returns it unchanged as `echo`.
    static func echo(width: Int) -> FakeSession {
        FakeSession(name: "echo", inputs: [TensorInfo(name: "features", elementType: .float32, shape: [-1, width])],
                    outputs: [TensorInfo(name: "echo", elementType: .float32, shape: [-1, width])]) { inputs in
            guard let x = inputs["features"] else { throw FakeBackendError(path: "input features") }
            return ["echo": x]
        }
    }

    /// left [N,2] and right [N,3] (right = channel means + 1000) concatenated into `echo` [N,declared].
    static func pipeline(declared: Int, axis: Int = 1) -> (PipelineSpec, FakeBackend) {
        let pre = PreprocessSpec(width: 32, height: 24, scale: 1 / 255)
        let backend = FakeBackend(sessions: [
            "/m/a": .channelMeans(name: "a", width: 32, height: 24, outputs: 2),
            "/m/b": .channelMeans(name: "b", width: 32, height: 24, outputs: 3, bias: 1000),
            "/m/echo": echo(width: declared),
        ])
        let spec = PipelineSpec(
            name: "concat", file: "p.yaml", sampling: .fps(2),
            models: [ModelSpec(name: "a", path: "/m/a", preprocess: pre, batchLimit: 4),
                     ModelSpec(name: "b", path: "/m/b", preprocess: pre, batchLimit: 4),
                     ModelSpec(name: "echo", path: "/m/echo", batchLimit: 4)],
            stages: [StageSpec(name: "left", model: "a"), StageSpec(name: "right", model: "b"),
                     StageSpec(name: "head", model: "echo", input: .tensors([
                         TensorBinding(input: "", concat: [TensorSource(stage: "left", output: "features"), TensorSource(stage: "right")], axis: axis),
                     ]))])
        return (spec, backend)
    }

    static func numbers(_ frame: FrameResult, _ stage: String, _ key: String) -> [Double] {
        guard case let .array(items)? = frame.outputs.first(where: { $0.key == stage })?.value[key] else { return [] }
        return items.compactMap(\.number)
    }

    @Test func concatenatedInputIsLeftThenRightInBothEngines() async throws {
        let (spec, backend) = Self.pipeline(declared: 5)
        let loaded = try LoadedPipeline(spec: spec, backend: backend)
        guard case let .tensors(bindings) = try #require(loaded.stages.last).feed else { Issue.record("not a join"); return }
        #expect(bindings.map(\.input) == ["features"], "the model's only input, resolved at load")
        try PipelineProbe.check(loaded)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let sequential = await PipelineRunner(pipeline: loaded).process(video: video)
        let sink = MemorySink()
        _ = try await StreamingEngine(pipeline: loaded, configuration: EngineConfiguration()).run(videos: [video], sink: sink)
        let streaming = try #require(await sink.results.first)
        for result in [sequential, streaming] {
            #expect(result.status == .ok && result.frames.count == 8, "\(result.error ?? "")")
            for frame in result.frames {
                let expected = Self.numbers(frame, "left", "features") + Self.numbers(frame, "right", "features")
                #expect(expected.count == 5 && Self.numbers(frame, "head", "echo") == expected, "frame \(frame.index)")
            }
        }
    }

    @Test func shapeMismatchIsRefusedAtLoad() throws {
        let (spec, backend) = Self.pipeline(declared: 6)
        do {
            _ = try LoadedPipeline(spec: spec, backend: backend)
            Issue.record("a [N,5] concatenation was accepted into [N,6]")
        } catch {
            let issue = try #require(error.issues.first)
            #expect(issue.field == "stages.head.input.concat")
            #expect(issue.message.contains("left.features [N,2], right [N,3]") && issue.message.contains("gives [N,5]")
                    && issue.message.contains("wants 6 on axis 1"), "\(issue.message)")
        }
        let (outside, backend2) = Self.pipeline(declared: 5, axis: 2)
        #expect(throws: PipelineError.self) { try LoadedPipeline(spec: outside, backend: backend2) }
    }

    @Test func concatenateAlongAMiddleAxisMatchesNumpy() throws {
        // numpy: np.concatenate([a.reshape(1,2,2,3), b.reshape(1,2,1,3)], axis=2).ravel()
        let a: TensorJoin.ItemTensor = ([2, 2, 3], (0..<12).map(Float.init))
        let b: TensorJoin.ItemTensor = ([2, 1, 3], (100..<106).map(Float.init))
        let joined = try TensorJoin.concatenate([a, b], axis: 2)
        #expect(joined.shape == [2, 3, 3])
        #expect(joined.values == [0, 1, 2, 3, 4, 5, 100, 101, 102, 6, 7, 8, 9, 10, 11, 103, 104, 105])
        #expect(try TensorJoin.concatenate([a, b], axis: -2).values == joined.values, "negative axes count from the end")
        #expect(throws: TensorJoin.Mismatch.self) { try TensorJoin.concatenate([a, b], axis: 1) }
    }
}
