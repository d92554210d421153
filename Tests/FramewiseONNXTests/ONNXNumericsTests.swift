import FramewiseCore
import FramewiseONNX
import Testing

/// Swift runs match Python onnxruntime (same options) on the generated models.
@Suite struct ONNXNumericsTests {
    @Test("outputs equal the Python onnxruntime reference at batch 1 and 8",
          arguments: ["cnn_dynamic.onnx", "nhwc.onnx", "two_input.onnx"])
    func matchesPythonReference(model: String) throws {
        let cases = try ONNXTestSupport.cases().filter { $0.model == model }
        #expect(cases.map(\.batch).sorted() == [1, 8], "manifest lacks cases for \(model)")
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture(model), name: model)

        for testCase in cases {
            var feeds: [String: Tensor] = [:]
            for input in testCase.inputs { feeds[input.name] = try ONNXTestSupport.tensor(input) }
            let results = try session.run(feeds)
            #expect(Set(results.keys) == Set(testCase.outputs.map(\.name)))
            for expected in testCase.outputs {
                let reference = try ONNXTestSupport.tensor(expected)
                let actual = try #require(results[expected.name], "missing output \(expected.name)")
                #expect(actual.shape == reference.shape, "\(model) b\(testCase.batch) \(expected.name)")
                #expect(actual.elementType == reference.elementType)
                let diff = zip(actual.floats(), reference.floats()).map { abs($0 - $1) }.max() ?? 0
                #expect(actual.elementCount == reference.elementCount)
                #expect(diff <= 1e-5, "\(model) batch \(testCase.batch) output \(expected.name): max abs diff \(diff)")
            }
        }
    }

    @Test("batch sizes other than the fixtures' run too (dynamic N)")
    func dynamicBatch() throws {
        let session = try ONNXTestSupport.backend().makeSession(path: ONNXTestSupport.fixture("cnn_dynamic.onnx"), name: "cnn")
        for batch in [1, 3, 5] {
            let x = try Tensor.float32(shape: [batch, 3, 32, 32],
                                       values: ONNXTestSupport.randomFloats(count: batch * 3 * 32 * 32, seed: UInt64(batch)))
            let out = try session.run(["x": x])
            #expect(out["logits"]?.shape == [batch, 10])
            #expect(out["class_id"]?.shape == [batch])
            #expect(out["class_id"]?.elementType == .int64)
        }
    }
}
