import CONNXRuntime
import FramewiseCore
import Foundation
import Logging

/// A model loaded into ONNX Runtime.
///
/// Immutable after loading; `run` may be called from several threads at once (ORT's `Run` is
/// thread-safe). `run` blocks: call it from a dedicated thread, not Swift's cooperative pool.
public final class ONNXRuntimeSession: InferenceSession, @unchecked Sendable {
    /// The model's name as the pipeline calls it (used in every error).
    public let modelName: String
    /// The model file.
    public let path: String
    /// Declared inputs, in the model's order (`-1` for dynamic dims, with their symbolic names).
    public let inputs: [TensorInfo]
    /// Declared outputs, in the model's order.
    public let outputs: [TensorInfo]
    /// Custom metadata (`metadata_props`), e.g. PP-OCR's `character` dictionary.
    public let metadata: [String: String]
    /// The ONNX graph's name.
    public let graphName: String
    /// Initializers the model also lists as graph inputs (old exporters do this). ORT treats them
    /// as overridable and skips constant folding and fusions over them, so such models run slower.
    public let overridableInitializers: [String]

    let environment: ORTEnvironment
    let session: OpaquePointer
    /// C copies of the input and output names, in declaration order, for `Run`.
    let inputNames: [UnsafePointer<CChar>?]
    let outputNames: [UnsafePointer<CChar>?]

    init(environment: ORTEnvironment, path: String, name: String, options: SessionOptions, logger: Logger)
        throws(ONNXRuntimeError)
    {
        guard FileManager.default.fileExists(atPath: path) else { throw .modelNotFound(model: name, path: path) }
        let api = environment.api
        let sessionOptions = try ORTSessionOptionsBuilder.make(options, environment: environment, model: name)
        defer { api.ReleaseSessionOptions(sessionOptions) }

        var created: OpaquePointer?
        if let status = api.CreateSession(environment.env, path, sessionOptions, &created) {
            let (code, message) = ORTEnvironment.consume(api, status)
            throw .modelLoadFailed(model: name, path: path, code: code, message: message)
        }
        guard let session = created else {
            throw .modelLoadFailed(model: name, path: path, code: .fail, message: "CreateSession returned no session")
        }
        let description: ORTModelDescription
        do throws(ONNXRuntimeError) {
            description = try ORTModelDescription.read(session, environment: environment, model: name)
        } catch {
            api.ReleaseSession(session)
            throw error
        }
        // Nothing below throws: once every property is set, deinit owns the session and names.
        self.modelName = name
        self.path = path
        self.inputs = description.inputs
        self.outputs = description.outputs
        self.metadata = description.metadata
        self.graphName = description.graphName
        self.overridableInitializers = description.overridableInitializers
        self.environment = environment
        self.session = session
        self.inputNames = description.inputs.map { UnsafePointer(strdup($0.name)) }
        self.outputNames = description.outputs.map { UnsafePointer(strdup($0.name)) }

        if !overridableInitializers.isEmpty {
            logger.warning(
                "model lists initializers as graph inputs: ONNX Runtime will not constant-fold them (slower); re-export it or strip them with onnxruntime/tools/python/remove_initializer_from_input.py",
                metadata: [
                    "model": .string(name), "path": .string(path),
                    "initializers": .string(overridableInitializers.prefix(10).joined(separator: ",")),
                    "count": .stringConvertible(overridableInitializers.count),
                ])
        }
    }

    deinit {
        environment.api.ReleaseSession(session)
        for name in inputNames + outputNames { free(UnsafeMutablePointer(mutating: name)) }
    }
}
