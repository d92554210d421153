import FramewiseCore
import FramewiseONNX
import FramewiseRuntime

/// Loading a pipeline file with its models: the YAML checked (every issue with file:line:field),
/// then each model loaded once through ONNX Runtime and checked against its stages.
public enum PipelineLoading {
    /// The ONNX Runtime backend: `ortLibrary`, else `$ORT_DYLIB_PATH`, else the project's `.venv`.
    /// A library that cannot be found is named by the knob the user sets: `--ort-library`.
    public static func backend(ortLibrary: String?) throws(AppError) -> ONNXRuntimeBackend {
        do {
            return try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: ortLibrary))
        } catch .libraryNotFound(let searched) {
            if let ortLibrary {
                throw .invalidArgument(name: "--ort-library", message: "\(ortLibrary) does not exist (give the path of libonnxruntime.so)")
            }
            throw .modelRuntime("ONNX Runtime library not found; searched: \(searched.joined(separator: ", ")). "
                                + "Give its path with --ort-library PATH (or $ORT_DYLIB_PATH), or run scripts/setup.sh to create .venv")
        } catch {
            throw .modelRuntime("\(error)")
        }
    }

    /// The pipeline at `path`, loaded with `backend` (default: ONNX Runtime from `ortLibrary`), each
    /// model run once on a dummy batch (`PipelineProbe`).
    public static func load(_ path: String, ortLibrary: String? = nil, backend: (any InferenceBackend)? = nil) throws(AppError) -> LoadedPipeline {
        let spec: PipelineSpec
        do { spec = try PipelineLoader.load(path: path) } catch { throw .invalidPipeline(error) }
        let models: any InferenceBackend
        if let backend { models = backend } else { models = try Self.backend(ortLibrary: ortLibrary) }
        do {
            let pipeline = try LoadedPipeline(spec: spec, backend: models)
            // One dummy batch per model: what `run` would hit on every video fails here instead.
            try PipelineProbe.check(pipeline, backend: models)
            return pipeline
        } catch {
            throw .invalidPipeline(error)
        }
    }
}
