import FramewiseCore
import FramewiseONNX
import Testing

/// What a session reads from the model at load: IO names, types, shapes, metadata.
@Suite struct ONNXSessionInfoTests {
    @Test func cnnInputsOutputsAndSymbolicDims() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("cnn_dynamic.onnx"), name: "cnn")
        #expect(session.modelName == "cnn")
        #expect(session.graphName == "cnn_dynamic")
        #expect(session.inputs == [TensorInfo(name: "x", elementType: .float32, shape: [-1, 3, 32, 32], symbolicDims: ["N", "", "", ""])])
        #expect(session.outputs.map(\.name) == ["logits", "class_id"])
        #expect(session.outputs[0].shape == [-1, 10])
        #expect(session.outputs[0].symbolicDims.first == "N")
        #expect(session.outputs[1].elementType == .int64)
        #expect(session.outputs[1].shape == [-1])
        #expect(session.overridableInitializers.isEmpty)
        #expect(session.inputs[0].description == "x: float32[N,3,32,32]")
    }

    @Test func customMetadataIncludingALargeValue() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("cnn_dynamic.onnx"), name: "cnn")
        #expect(session.metadata["classes"] == (0..<10).map { "class\($0)" }.joined(separator: ","))
        let characters = try #require(session.metadata["character"])
        let lines = characters.split(separator: "\n")
        #expect(lines.count == 6000)
        #expect(lines.first == "\u{4E00}")
    }

    @Test func multipleInputsAndOutputs() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("two_input.onnx"), name: "two")
        #expect(session.inputs.map(\.name) == ["a", "b"])
        #expect(session.inputs.allSatisfy { $0.shape == [-1, 8] && $0.elementType == .float32 })
        #expect(session.outputs.map(\.name) == ["y", "sum"])
        #expect(session.outputs.map(\.shape) == [[-1, 4], [-1, 8]])
        #expect(session.metadata.isEmpty)
    }

    @Test func fixedShapesHaveNoSymbols() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("fixed_batch.onnx"), name: "fixed")
        #expect(session.inputs == [TensorInfo(name: "x", elementType: .float32, shape: [2, 4], symbolicDims: ["", ""])])
    }

    @Test("initializers listed as graph inputs are detected (they block constant folding)")
    func overridableInitializers() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("weights_as_inputs.onnx"), name: "legacy")
        #expect(session.overridableInitializers == ["W"])
        #expect(session.inputs.map(\.name) == ["x"])
        let out = try session.run(["x": Tensor.float32(shape: [2, 4], values: [Float](repeating: 1, count: 8))])
        #expect(out["y"]?.shape == [2, 3])
    }

    @Test func backendReportsLibraryAndProviders() throws {
        let backend = try ONNXTestSupport.backend()
        #expect(backend.version == "1.31.1")
        #expect(backend.availableProviders.contains("CPUExecutionProvider"))
        #expect(backend.libraryPath == (try ONNXTestSupport.libraryPath()))
        // Through the protocol too.
        let any: any InferenceBackend = backend
        let session = try any.loadSession(path: ONNXTestSupport.fixture("nhwc.onnx"), name: "nhwc", options: SessionOptions())
        #expect(session.inputs.first?.shape == [-1, 16, 16, 3])
    }

    @Test func sessionOptionsAreApplied() throws {
        let options = SessionOptions(intraOpThreads: 1, interOpThreads: 1, providers: [.cpu], allowSpinning: true)
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("nhwc.onnx"), name: "nhwc", options: options)
        let image = try Tensor.float32(shape: [1, 16, 16, 3], values: ONNXTestSupport.randomFloats(count: 768, seed: 7))
        #expect(try session.run(["image": image])["features"]?.shape == [1, 4, 16, 16])
    }
}
