import Foundation
import FramewiseCore
import FramewiseONNX
import FramewiseTesting

/// Shared helpers: the project's ONNX Runtime, the generated fixtures and their reference data.
enum ONNXTestSupport {
    struct MissingRuntime: Error, CustomStringConvertible {
        var description: String {
            "ONNX Runtime not found in \(Fixtures.projectRoot.path)/.venv: run scripts/setup.sh (or `make test`)"
        }
    }

    /// The project's ONNX Runtime library (`.venv`); throws (so the test fails) when missing.
    static func libraryPath() throws -> String {
        guard let path = Fixtures.onnxRuntimeLibrary else { throw MissingRuntime() }
        return path
    }

    /// A backend on the project's ONNX Runtime library.
    static func backend() throws -> ONNXRuntimeBackend {
        try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: libraryPath()))
    }

    /// `.fixtures/onnx/<name>`, failing the test when `make fixtures` has not produced it.
    static func fixture(_ name: String) throws -> String {
        try Fixtures.require(Fixtures.path("onnx/\(name)"))
    }

    /// One model run recorded by `scripts/fixtures/make_onnx_fixtures.py` with Python onnxruntime.
    struct Case: Decodable {
        struct Entry: Decodable {
            var name: String
            var shape: [Int]
            var dtype: String
            var file: String
        }
        var model: String
        var batch: Int
        var inputs: [Entry]
        var outputs: [Entry]
    }

    static func cases() throws -> [Case] {
        struct Manifest: Decodable { var cases: [Case] }
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("manifest.json")))
        return try JSONDecoder().decode(Manifest.self, from: data).cases
    }

    /// Reads a raw little-endian `.bin` reference tensor.
    static func tensor(_ entry: Case.Entry) throws -> Tensor {
        let elementType: ElementType = entry.dtype == "int64" ? .int64 : .float32
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture(entry.file)))
        let buffer = TensorBuffer(byteCount: data.count)
        data.copyBytes(to: buffer.baseAddress.assumingMemoryBound(to: UInt8.self), count: data.count)
        return try Tensor(elementType: elementType, shape: entry.shape, buffer: buffer)
    }

    /// Deterministic pseudo-random floats in [-1, 1).
    static func randomFloats(count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 1_000_000) / 1_000_000
        }
    }
}
