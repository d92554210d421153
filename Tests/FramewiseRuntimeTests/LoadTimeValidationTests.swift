import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// Model/stage mismatches are reported at load time, naming the field, before anything runs.
@Suite struct LoadTimeValidationTests {
    static func fixedModel(_ shape: [Int], type: ElementType = .float32, inputs: Int = 1) -> FakeSession {
        FakeSession(name: "m", inputs: (0..<inputs).map { TensorInfo(name: "in\($0)", elementType: type, shape: shape) },
                    outputs: [TensorInfo(name: "y", elementType: .float32, shape: [-1, 2])]) { _ in [:] }
    }

    static func load(_ session: FakeSession, preprocess: PreprocessSpec?, batch: Int = 8, input: String? = nil) throws -> LoadedPipeline {
        let spec = PipelineSpec(name: "t", file: "t.yaml",
                                models: [ModelSpec(name: "m", path: "/m", inputName: input, preprocess: preprocess, batchLimit: batch)],
                                stages: [StageSpec(name: "s", model: "m")])
        return try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: ["/m": session]))
    }

    static func field(of body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let e as PipelineError {
            return e.issues.first?.field
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func sizeDerivedFromFixedNCHWandNHWC() throws {
        let nchw = try Self.load(Self.fixedModel([-1, 3, 64, 48]), preprocess: nil)
        guard case let .image(_, spec) = try #require(nchw.stages.first).feed else { Issue.record("not an image feed"); return }
        #expect(spec.width == 48 && spec.height == 64 && spec.layout == .nchw)
        let nhwc = try Self.load(Self.fixedModel([-1, 20, 30, 3]), preprocess: nil)
        guard case let .image(_, s2) = try #require(nhwc.stages.first).feed else { Issue.record("not an image feed"); return }
        #expect(s2.width == 30 && s2.height == 20 && s2.layout == .nhwc)
    }

    @Test func mismatchesNameTheirField() {
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, 224, 224]), preprocess: PreprocessSpec(width: 256, height: 256)) } == "models.m.preprocess")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 224, 224, 3]), preprocess: PreprocessSpec(width: 224, height: 224, layout: .nchw)) } == "models.m.preprocess")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, -1, -1]), preprocess: nil) } == "models.m.preprocess")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, 8, 8], inputs: 2), preprocess: nil) } == "models.m.input")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, 8, 8]), preprocess: nil, input: "nope") } == "models.m.input")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 8]), preprocess: nil) } == "models.m.input")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([2, 3, 8, 8]), preprocess: nil, batch: 8) } == "models.m.batch")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, 8, 8], type: .uint8), preprocess: PreprocessSpec(width: 8, height: 8)) } == "models.m.preprocess.dtype")
        #expect(Self.field { _ = try Self.load(Self.fixedModel([-1, 3, 8, 8]), preprocess: PreprocessSpec(width: 8, height: 8)) } == nil)
    }

    @Test func unboundJoinInputIsRejected() {
        let sessions: [String: FakeSession] = ["/a": .channelMeans(name: "a", width: 8, height: 8, outputs: 4), "/j": .adder(name: "j", width: 4)]
        let spec = PipelineSpec(name: "t", models: [ModelSpec(name: "a", path: "/a"), ModelSpec(name: "j", path: "/j")],
                                stages: [StageSpec(name: "s", model: "a"),
                                         StageSpec(name: "join", model: "j", input: .tensors([TensorBinding(input: "a", stage: "s")]))])
        #expect(Self.field { _ = try LoadedPipeline(spec: spec, backend: FakeBackend(sessions: sessions)) } == "stages.join.input.tensors")
    }
}
