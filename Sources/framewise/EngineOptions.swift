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

    @Flag(name: .shortAndLong, help: "Log more: warnings and info, FFmpeg's and ONNX Runtime's included (errors always show).")
    var verbose = false

    func makeBackend() throws -> ONNXRuntimeBackend {
        try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: ortLibrary))
    }

    /// Everything logs through swift-log to stderr: errors only, or from info up with `--verbose`.
    /// FFmpeg's and ONNX Runtime's own messages come through it too (their warnings are quiet unless
    /// `--verbose`), so nothing else writes to stderr.
    func bootstrapLogging() {
        let level: Logger.Level = verbose ? .info : .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        FFmpegLogging.install(level: level)
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
