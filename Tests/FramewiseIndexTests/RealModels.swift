import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseIndex
import FramewiseRuntime
import FramewiseTesting

/// Pipelines over the converted EfficientNet-Lite models (`make assets`), written into a temporary
/// folder with absolute paths so a test can choose sampling, size and head.
enum RealModels {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-index-real-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static var ortLibrary: String? { Fixtures.onnxRuntimeLibrary }

    /// A one-stage pipeline of `model` (efficientnet-lite0 or -lite2) at `size`, (pixel - 127) / 128.
    /// `classify`: a classify head (top-1, ImageNet labels); else a raw head with logits and features.
    static func pipeline(in folder: URL, name: String, model: String, size: Int, sampling: String, classify: Bool) throws -> String {
        let file = try Fixtures.require(Fixtures.asset("models/\(model).onnx"))
        let labels = try Fixtures.require(Fixtures.asset("models/imagenet_classes.txt"))
        let head = classify ? "{classify: {labels_file: \(labels), top_k: 1, softmax: true, output: logits}}"
                            : "{raw: {outputs: [logits, features], max_values: 2048}}"
        let yaml = """
            name: \(name)
            sampling: \(sampling)
            models:
              m:
                file: \(file)
                batch: 4
                threads: 1
                preprocess: {size: [\(size), \(size)], layout: nchw, channels: rgb, resize: stretch, mean: [127], std: [128]}
            stages:
              s:
                model: m
                postprocess: \(head)
            """
        let path = folder.appendingPathComponent("\(name).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func labels() throws -> [String] {
        try String(contentsOfFile: try Fixtures.require(Fixtures.asset("models/imagenet_classes.txt")), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Runs `pipeline` over `videos` through the application layer (the engine `run` uses).
    static func run(_ pipeline: String, _ videos: [String], sink: any ResultSink) async throws {
        let app = try buildApplication(AppConfiguration(pipelinePath: pipeline, ortLibrary: ortLibrary, engine: EngineConfiguration(workerThreads: 2)))
        _ = try await app.run(videos: videos, sink: sink)
    }
}

/// Keeps every result.
actor ResultList: ResultSink {
    private(set) var results: [VideoResult] = []
    func write(_ result: VideoResult) async throws { results.append(result) }
    func finish() async throws {}
}
