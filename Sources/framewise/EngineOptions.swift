import ArgumentParser
import FramewiseCore
import FramewiseMedia
import FramewiseONNX
import FramewiseRuntime
import Foundation
import Logging

/// Options shared by commands that load models.
struct EngineOptions: ParsableArguments {
    @Option(name: .customLong("ort-library"), help: "Path of libonnxruntime.so (default: $ORT_DYLIB_PATH, then the project's .venv).")
    var ortLibrary: String?

    @Flag(name: .shortAndLong, help: "Log more (FFmpeg and ONNX Runtime warnings and info).")
    var verbose = false

    func makeBackend() throws -> ONNXRuntimeBackend {
        try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: ortLibrary))
    }

    /// Logs at `quiet` and above (`.info` with `--verbose`).
    func bootstrapLogging(quiet: Logger.Level = .error) {
        let level: Logger.Level = verbose ? .info : quiet
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        FFmpegLogging.install(level: verbose ? .info : .critical)
    }
}

/// Loads and validates a pipeline file, then its models; prints every issue and exits 2 on failure.
func loadPipeline(_ path: String, options: EngineOptions) throws -> LoadedPipeline {
    do {
        let spec = try PipelineLoader.load(path: path)
        let backend = try options.makeBackend()
        return try LoadedPipeline(spec: spec, backend: backend)
    } catch let error as PipelineError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(2)
    } catch let error as ONNXRuntimeError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(2)
    }
}
