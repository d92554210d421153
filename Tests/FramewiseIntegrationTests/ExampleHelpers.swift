import Foundation
import FramewiseCore
import FramewiseONNX
import FramewiseRuntime
import FramewiseTesting

/// Loads an example pipeline with the real ONNX Runtime from the project's virtual environment.
enum Examples {
    static func backend() throws -> ONNXRuntimeBackend {
        let lib = try Fixtures.require(Fixtures.onnxRuntimeLibrary ?? Fixtures.projectRoot.appendingPathComponent(".venv").path + "/<no libonnxruntime>")
        return try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: lib))
    }

    static func pipelinePath(_ name: String) -> String {
        Fixtures.projectRoot.appendingPathComponent("examples/\(name)/pipeline.yaml").path
    }

    static func load(_ name: String) throws -> LoadedPipeline {
        try LoadedPipeline(spec: PipelineLoader.load(path: pipelinePath(name)), backend: backend())
    }

    /// Runs `videos` and returns their results in order.
    static func run(_ pipeline: LoadedPipeline, _ videos: [String], concurrency: Int = 2) async throws -> [VideoResult] {
        let sink = MemorySink()
        _ = try await PipelineRunner(pipeline: pipeline, configuration: RunConfiguration(concurrentVideos: concurrency)).run(videos: videos, sink: sink)
        return await sink.results
    }
}

extension VideoResult {
    func summaryValue(_ key: String) -> JSONValue? { summary.first { $0.key == key }?.value }
}
