import Foundation
import FramewiseCore
import FramewiseONNX
import Testing

/// Bad input, bad files and unavailable pieces give typed errors with context, never a crash.
@Suite struct ONNXErrorTests {
    func session(_ model: String, name: String) throws -> ONNXRuntimeSession {
        try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture(model), name: name)
    }

    @Test func wrongFixedDimension() throws {
        let fixed = try session("fixed_batch.onnx", name: "fixed-model")
        let error = #expect(throws: ONNXRuntimeError.self) {
            try fixed.run(["x": Tensor.float32(shape: [3, 4], values: [Float](repeating: 0, count: 12))])
        }
        #expect(error == .shapeMismatch(model: "fixed-model", input: "x", expected: [2, 4], actual: [3, 4]))
        let text = String(describing: try #require(error))
        #expect(text.contains("fixed-model") && text.contains("'x'") && text.contains("[2, 4]") && text.contains("[3, 4]"))
    }

    @Test func wrongRankAndWrongStaticDimOnDynamicModel() throws {
        let cnn = try session("cnn_dynamic.onnx", name: "cnn")
        let flat = try Tensor.float32(shape: [3072], values: [Float](repeating: 0, count: 3072))
        #expect(throws: ONNXRuntimeError.shapeMismatch(model: "cnn", input: "x", expected: [-1, 3, 32, 32], actual: [3072])) {
            try cnn.run(["x": flat])
        }
        let wrongSize = Tensor(elementType: .float32, shape: [1, 3, 16, 16])
        #expect(throws: ONNXRuntimeError.shapeMismatch(model: "cnn", input: "x", expected: [-1, 3, 32, 32], actual: [1, 3, 16, 16])) {
            try cnn.run(["x": wrongSize])
        }
        let error = #expect(throws: ONNXRuntimeError.self) { try cnn.run(["x": wrongSize]) }
        #expect(String(describing: try #require(error)).contains("[?, 3, 32, 32]"))
    }

    @Test func unknownAndMissingInputNames() throws {
        let two = try session("two_input.onnx", name: "two")
        let a = Tensor(elementType: .float32, shape: [1, 8])
        #expect(throws: ONNXRuntimeError.unknownInput(model: "two", input: "c", declared: ["a", "b"])) {
            try two.run(["a": a, "b": a, "c": a])
        }
        #expect(throws: ONNXRuntimeError.missingInput(model: "two", input: "b")) {
            try two.run(["a": a])
        }
    }

    @Test func wrongElementType() throws {
        let cnn = try session("cnn_dynamic.onnx", name: "cnn")
        let ints = Tensor(elementType: .int64, shape: [1, 3, 32, 32])
        let error = #expect(throws: ONNXRuntimeError.self) { try cnn.run(["x": ints]) }
        #expect(error == .elementTypeMismatch(model: "cnn", input: "x", expected: .float32, actual: .int64))
        #expect(error?.modelName == "cnn")
    }

    @Test func mismatchedSymbolicDimensionIsAnORTErrorNotACrash() throws {
        let two = try session("two_input.onnx", name: "two")
        let error = #expect(throws: ONNXRuntimeError.self) {
            try two.run(["a": Tensor(elementType: .float32, shape: [2, 8]), "b": Tensor(elementType: .float32, shape: [3, 8])])
        }
        guard case let .runtime(call, model, _, message)? = error else {
            Issue.record("expected a runtime error, got \(String(describing: error))")
            return
        }
        #expect(call == "Run")
        #expect(model == "two")
        #expect(!message.isEmpty)
    }

    @Test func missingModelFile() throws {
        let backend = try ONNXTestSupport.backend()
        let path = "/nonexistent/dir/model.onnx"
        let error = #expect(throws: ONNXRuntimeError.self) { try backend.makeSession(path: path, name: "ghost") }
        #expect(error == .modelNotFound(model: "ghost", path: path))
        #expect(String(describing: try #require(error)).contains(path))
    }

    @Test func garbageModelFile() throws {
        let backend = try ONNXTestSupport.backend()
        let path = try ONNXTestSupport.fixture("garbage.onnx")
        let error = #expect(throws: ONNXRuntimeError.self) { try backend.makeSession(path: path, name: "junk") }
        guard case let .modelLoadFailed(model, failedPath, _, message)? = error else {
            Issue.record("expected modelLoadFailed, got \(String(describing: error))")
            return
        }
        #expect(model == "junk")
        #expect(failedPath == path)
        #expect(!message.isEmpty)
        #expect(String(describing: try #require(error)).contains(path))
    }

    @Test func emptyModelFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-empty-\(UUID().uuidString).onnx").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ONNXRuntimeError.self) { try ONNXTestSupport.backend().makeSession(path: path, name: "empty") }
        #expect(error?.modelName == "empty")
        #expect(String(describing: try #require(error)).contains(path))
    }

    @Test func missingLibrary() throws {
        let path = "/nonexistent/libonnxruntime.so.1.31.1"
        let error = #expect(throws: ONNXRuntimeError.self) {
            try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: path))
        }
        guard case let .libraryNotFound(searched)? = error else {
            Issue.record("expected libraryNotFound, got \(String(describing: error))")
            return
        }
        #expect(searched.count == 1 && searched[0].contains(path))
        #expect(String(describing: try #require(error)).contains(path))
    }

    @Test func fileThatIsNotALibrary() throws {
        let path = try ONNXTestSupport.fixture("garbage.onnx")
        let error = #expect(throws: ONNXRuntimeError.self) {
            try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: path))
        }
        guard case let .libraryLoadFailed(failedPath, reason)? = error else {
            Issue.record("expected libraryLoadFailed, got \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(reason.contains(path))
    }

    @Test("CUDA or TensorRT on the CPU build: a clean error naming provider and model",
          arguments: [ExecutionProvider.cuda(deviceID: 0), .tensorRT(deviceID: 0)])
    func unavailableProvider(provider: ExecutionProvider) throws {
        let backend = try ONNXTestSupport.backend()
        let expectedName = provider == .cuda(deviceID: 0) ? "CUDA" : "TensorRT"
        let options = SessionOptions(providers: [provider, .cpu])
        let error = #expect(throws: ONNXRuntimeError.self) {
            try backend.makeSession(path: ONNXTestSupport.fixture("cnn_dynamic.onnx"), name: "cnn", options: options)
        }
        guard case let .providerUnavailable(name, model, available, _)? = error else {
            Issue.record("expected providerUnavailable, got \(String(describing: error))")
            return
        }
        #expect(name == expectedName)
        #expect(model == "cnn")
        #expect(available.contains("CPUExecutionProvider"))
        let text = String(describing: try #require(error))
        #expect(text.contains(expectedName) && text.contains("cnn"))
    }
}
