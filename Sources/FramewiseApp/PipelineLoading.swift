import FramewiseCore
import FramewiseONNX
import FramewiseRuntime

/// Loading a pipeline file with its models: the YAML checked (every issue with file:line:field),
/// then each model loaded once through ONNX Runtime and checked against its stages.
public enum PipelineLoading {
    /// The ONNX Runtime backend: `ortLibrary`, else `$ORT_DYLIB_PATH`, else the project's `.venv`.
    public static func backend(ortLibrary: String?) throws(AppError) -> ONNXRuntimeBackend {
        do {
            return try ONNXRuntimeBackend(configuration: ONNXRuntimeConfiguration(libraryPath: ortLibrary))
        } catch {
            throw .modelRuntime("\(error)")
        }
    }

    /// The pipeline at `path`, loaded with `backend` (default: ONNX Runtime from `ortLibrary`).
    public static func load(_ path: String, ortLibrary: String? = nil, backend: (any InferenceBackend)? = nil) throws(AppError) -> LoadedPipeline {
        let spec: PipelineSpec
        do { spec = try PipelineLoader.load(path: path) } catch { throw .invalidPipeline(error) }
        let models: any InferenceBackend
        if let backend { models = backend } else { models = try Self.backend(ortLibrary: ortLibrary) }
        do { return try LoadedPipeline(spec: spec, backend: models) } catch { throw .invalidPipeline(error) }
    }
}
