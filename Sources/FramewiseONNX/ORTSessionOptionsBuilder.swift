import CONNXRuntime
import FramewiseCore
import Foundation

/// Turns Framewise's ``SessionOptions`` into an `OrtSessionOptions` (caller releases it).
enum ORTSessionOptionsBuilder {
    static let graphOptimizationAll: Int32 = 99

    static func make(_ options: SessionOptions, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError) -> OpaquePointer
    {
        let api = environment.api
        var created: OpaquePointer?
        try environment.check(api.CreateSessionOptions(&created), "CreateSessionOptions", model: model)
        guard let handle = created else {
            throw .runtime(call: "CreateSessionOptions", model: model, code: .fail, message: "no options returned")
        }
        do throws(ONNXRuntimeError) {
            try configure(handle, options, environment: environment, model: model)
        } catch {
            api.ReleaseSessionOptions(handle)
            throw error
        }
        return handle
    }

    private static func configure(_ handle: OpaquePointer, _ options: SessionOptions, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError)
    {
        let api = environment.api
        try environment.check(api.SetSessionGraphOptimizationLevel(handle, graphOptimizationAll),
                              "SetSessionGraphOptimizationLevel", model: model)
        try environment.check(api.SetIntraOpNumThreads(handle, Int32(clamping: max(options.intraOpThreads, 0))),
                              "SetIntraOpNumThreads", model: model)
        try environment.check(api.SetInterOpNumThreads(handle, Int32(clamping: max(options.interOpThreads, 0))),
                              "SetInterOpNumThreads", model: model)
        try environment.check(api.AddSessionConfigEntry(handle, "session.intra_op.allow_spinning", options.allowSpinning ? "1" : "0"),
                              "AddSessionConfigEntry(session.intra_op.allow_spinning)", model: model)
        for provider in options.providers {
            switch provider {
            case .cpu:
                continue  // ORT always appends its CPU provider last.
            case let .cuda(deviceID):
                try appendCUDA(handle, deviceID: deviceID, environment: environment, model: model)
            case let .tensorRT(deviceID):
                try appendTensorRT(handle, deviceID: deviceID, environment: environment, model: model)
            }
        }
    }

    private static func appendCUDA(_ handle: OpaquePointer, deviceID: Int, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError)
    {
        let api = environment.api
        try requireProvider("CUDA", ortName: "CUDAExecutionProvider", environment: environment, model: model)
        var providerOptions: OpaquePointer?
        try providerCall("CUDA", environment, model) { api.CreateCUDAProviderOptions(&providerOptions) }
        guard let providerOptions else {
            throw .providerUnavailable(provider: "CUDA", model: model, available: environment.availableProviders,
                                       message: "CreateCUDAProviderOptions returned no options")
        }
        defer { api.ReleaseCUDAProviderOptions(providerOptions) }
        try withKeyValues(["device_id": String(deviceID)]) { keys, values, count throws(ONNXRuntimeError) in
            try providerCall("CUDA", environment, model) { api.UpdateCUDAProviderOptions(providerOptions, keys, values, count) }
        }
        try providerCall("CUDA", environment, model) { api.SessionOptionsAppendExecutionProvider_CUDA_V2(handle, providerOptions) }
    }

    private static func appendTensorRT(_ handle: OpaquePointer, deviceID: Int, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError)
    {
        let api = environment.api
        try requireProvider("TensorRT", ortName: "TensorrtExecutionProvider", environment: environment, model: model)
        var providerOptions: OpaquePointer?
        try providerCall("TensorRT", environment, model) { api.CreateTensorRTProviderOptions(&providerOptions) }
        guard let providerOptions else {
            throw .providerUnavailable(provider: "TensorRT", model: model, available: environment.availableProviders,
                                       message: "CreateTensorRTProviderOptions returned no options")
        }
        defer { api.ReleaseTensorRTProviderOptions(providerOptions) }
        try withKeyValues(["device_id": String(deviceID)]) { keys, values, count throws(ONNXRuntimeError) in
            try providerCall("TensorRT", environment, model) { api.UpdateTensorRTProviderOptions(providerOptions, keys, values, count) }
        }
        try providerCall("TensorRT", environment, model) {
            api.SessionOptionsAppendExecutionProvider_TensorRT_V2(handle, providerOptions)
        }
    }

    /// Fails early, with the list of what the build has, when the provider is not compiled in.
    private static func requireProvider(_ provider: String, ortName: String, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError)
    {
        guard environment.availableProviders.contains(ortName) else {
            throw .providerUnavailable(
                provider: provider, model: model, available: environment.availableProviders,
                message: "ONNX Runtime \(environment.version) at \(environment.libraryPath) was built without \(ortName)")
        }
    }

    /// Runs an ORT call for a provider; a failure becomes `.providerUnavailable` with ORT's message.
    private static func providerCall(_ provider: String, _ environment: ORTEnvironment, _ model: String,
                                     _ call: () -> OpaquePointer?) throws(ONNXRuntimeError)
    {
        guard let status = call() else { return }
        let (code, message) = ORTEnvironment.consume(environment.api, status)
        throw .providerUnavailable(provider: provider, model: model, available: environment.availableProviders,
                                   message: "[\(code)] \(message)")
    }

    /// Calls `body` with C arrays of keys and values that live for the duration of the call.
    private static func withKeyValues(
        _ pairs: [String: String],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>, Int) throws(ONNXRuntimeError) -> Void
    ) throws(ONNXRuntimeError) {
        let keys = pairs.keys.sorted()
        let keyStrings = keys.map { strdup($0) }
        let valueStrings = keys.map { strdup(pairs[$0] ?? "") }
        defer { (keyStrings + valueStrings).forEach { free($0) } }
        let keyPointers = keyStrings.map { UnsafePointer($0) }
        let valuePointers = valueStrings.map { UnsafePointer($0) }
        try keyPointers.withUnsafeBufferPointer { (k) throws(ONNXRuntimeError) in
            try valuePointers.withUnsafeBufferPointer { (v) throws(ONNXRuntimeError) in
                guard let kb = k.baseAddress, let vb = v.baseAddress else { return }
                try body(kb, vb, keys.count)
            }
        }
    }
}
