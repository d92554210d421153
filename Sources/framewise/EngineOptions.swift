import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewiseMedia
import FramewiseRuntime
import Foundation
import Logging

/// Options shared by commands that load models.
struct EngineOptions: ParsableArguments {
    @Option(name: .customLong("ort-library"), help: "Path of libonnxruntime.so (default: $ORT_DYLIB_PATH, then the project's .venv).")
    var ortLibrary: String?

    @Flag(name: .shortAndLong, help: "Log more: warnings and info, FFmpeg's and ONNX Runtime's included (errors always show).")
    var verbose = false

    /// Everything logs through swift-log to stderr: `quiet` and above (errors by default), or from
    /// info up with `--verbose`. FFmpeg's and ONNX Runtime's own messages come through it too, so
    /// nothing else writes to stderr.
    func bootstrapLogging(quiet: Logger.Level = .error) {
        let level: Logger.Level = verbose ? .info : quiet
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
    try reportingAppErrors { try PipelineLoading.load(path, ortLibrary: options.ortLibrary) }
}

/// Runs `body`; an `AppError` is printed to standard error and becomes its exit code.
func reportingAppErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as AppError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitCode)
    }
}

/// Runs `body`; an `AppError` is printed to standard error and becomes its exit code.
func reportingAppErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as AppError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitCode)
    }
}
