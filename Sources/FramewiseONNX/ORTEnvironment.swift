import CONNXRuntime
import Synchronization

/// One loaded ONNX Runtime library with its process-wide `OrtEnv`, CPU memory info and default
/// allocator. Created once per library path and never released (ORT's environment lives as long
/// as the process). Immutable after creation; the ORT objects it holds are thread-safe.
final class ORTEnvironment: @unchecked Sendable {
    let api: FWOrtApi
    let libraryPath: String
    let version: String
    let env: OpaquePointer
    /// CPU memory info for wrapping caller buffers without copying.
    let cpuMemoryInfo: OpaquePointer
    /// ORT's default allocator (owned by ORT, never released): frees strings ORT hands out.
    let allocator: OpaquePointer
    /// Execution providers compiled into this build, e.g. `["CPUExecutionProvider"]`.
    let availableProviders: [String]

    private static let loaded = Mutex<[String: ORTEnvironment]>([:])

    /// The environment for the library at `path`, loading it on first use.
    static func shared(libraryPath path: String, logSeverity: ONNXRuntimeConfiguration.LogSeverity)
        throws(ONNXRuntimeError) -> ORTEnvironment
    {
        let result: Result<ORTEnvironment, ONNXRuntimeError> = loaded.withLock { cache in
            if let existing = cache[path] { return .success(existing) }
            do throws(ONNXRuntimeError) {
                let created = try ORTEnvironment(libraryPath: path, logSeverity: logSeverity)
                cache[path] = created
                return .success(created)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private init(libraryPath path: String, logSeverity: ONNXRuntimeConfiguration.LogSeverity) throws(ONNXRuntimeError) {
        var message = [CChar](repeating: 0, count: 1024)
        guard let table = fw_ort_load(path, FW_ORT_API_VERSION, &message, message.count) else {
            throw .libraryLoadFailed(path: path, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let api = table.pointee
        let version = fw_ort_version(path).map { String(cString: $0) } ?? "unknown"

        var env: OpaquePointer?
        // ORT's messages go to swift-log (ORTLogging), not straight to stderr.
        try Self.check(api, api.CreateEnvWithCustomLogger(ORTLogging.callback, nil, logSeverity.rawValue, "framewise", &env),
                       "CreateEnvWithCustomLogger")
        guard let env else { throw .libraryLoadFailed(path: path, reason: "CreateEnvWithCustomLogger returned no environment") }

        var memoryInfo: OpaquePointer?
        var allocator: OpaquePointer?
        var providers: [String] = []
        do throws(ONNXRuntimeError) {
            try Self.check(api, api.CreateCpuMemoryInfo(1 /* arena */, 0 /* default */, &memoryInfo), "CreateCpuMemoryInfo")
            try Self.check(api, api.GetAllocatorWithDefaultOptions(&allocator), "GetAllocatorWithDefaultOptions")
            providers = try Self.availableProviders(api)
        } catch {
            if let memoryInfo { api.ReleaseMemoryInfo(memoryInfo) }
            api.ReleaseEnv(env)
            throw error
        }
        guard let memoryInfo, let allocator else {
            api.ReleaseEnv(env)
            throw .libraryLoadFailed(path: path, reason: "ONNX Runtime returned no CPU memory info or allocator")
        }
        self.api = api
        self.libraryPath = path
        self.version = version
        self.env = env
        self.cpuMemoryInfo = memoryInfo
        self.allocator = allocator
        self.availableProviders = providers
    }

    private static func availableProviders(_ api: FWOrtApi) throws(ONNXRuntimeError) -> [String] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(api, api.GetAvailableProviders(&names, &count), "GetAvailableProviders")
        guard let names else { return [] }
        let result = (0..<Int(count)).compactMap { names[$0].map { String(cString: $0) } }
        if let status = api.ReleaseAvailableProviders(names, count) { api.ReleaseStatus(status) }
        return result
    }

    /// Throws `.runtime` for a failed status (and releases it); does nothing for success (nil).
    static func check(_ api: FWOrtApi, _ status: OpaquePointer?, _ call: String, model: String? = nil) throws(ONNXRuntimeError) {
        guard let status else { return }
        let (code, message) = consume(api, status)
        throw .runtime(call: call, model: model, code: code, message: message)
    }

    /// Reads a status's code and message, then releases it.
    static func consume(_ api: FWOrtApi, _ status: OpaquePointer) -> (ONNXRuntimeError.Code, String) {
        let code = ONNXRuntimeError.Code(rawValue: api.GetErrorCode(status))
        let message = api.GetErrorMessage(status).map { String(cString: $0) } ?? "(no message)"
        api.ReleaseStatus(status)
        return (code, message)
    }

    /// Throws `.runtime` for a failed status (and releases it).
    func check(_ status: OpaquePointer?, _ call: String, model: String?) throws(ONNXRuntimeError) {
        try Self.check(api, status, call, model: model)
    }

    /// Copies a string ORT allocated with the default allocator, then frees it.
    func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        let string = String(cString: pointer)
        free(pointer)
        return string
    }

    /// Frees memory ORT allocated with the default allocator.
    func free(_ pointer: UnsafeMutableRawPointer) {
        if let status = api.AllocatorFree(allocator, pointer) { api.ReleaseStatus(status) }
    }
}
