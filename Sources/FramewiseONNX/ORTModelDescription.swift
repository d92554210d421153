import CONNXRuntime
import FramewiseCore

/// What a loaded `OrtSession` declares: inputs, outputs, overridable initializers and metadata.
struct ORTModelDescription {
    var inputs: [TensorInfo]
    var outputs: [TensorInfo]
    var overridableInitializers: [String]
    var graphName: String
    var metadata: [String: String]

    /// Reads everything from `session`, releasing every ORT object it creates.
    static func read(_ session: OpaquePointer, environment: ORTEnvironment, model: String) throws(ONNXRuntimeError) -> Self {
        let reader = Reader(api: environment.api, environment: environment, session: session, model: model)
        let inputs = try reader.tensorInfos(countCall: "SessionGetInputCount", count: environment.api.SessionGetInputCount,
                                            name: environment.api.SessionGetInputName, type: environment.api.SessionGetInputTypeInfo)
        let outputs = try reader.tensorInfos(countCall: "SessionGetOutputCount", count: environment.api.SessionGetOutputCount,
                                             name: environment.api.SessionGetOutputName, type: environment.api.SessionGetOutputTypeInfo)
        let (graphName, metadata) = try reader.metadata()
        return Self(inputs: inputs, outputs: outputs, overridableInitializers: try reader.overridableInitializers(),
                    graphName: graphName, metadata: metadata)
    }

    private struct Reader {
        typealias CountFn = @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int>?) -> OpaquePointer?
        typealias NameFn = @convention(c) (OpaquePointer?, Int, OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> OpaquePointer?
        typealias TypeFn = @convention(c) (OpaquePointer?, Int, UnsafeMutablePointer<OpaquePointer?>?) -> OpaquePointer?

        let api: FWOrtApi
        let environment: ORTEnvironment
        let session: OpaquePointer
        let model: String

        func check(_ status: OpaquePointer?, _ call: String) throws(ONNXRuntimeError) {
            try environment.check(status, call, model: model)
        }

        func tensorInfos(countCall: String, count: CountFn, name: NameFn, type: TypeFn) throws(ONNXRuntimeError) -> [TensorInfo] {
            var n = 0
            try check(count(session, &n), countCall)
            var result: [TensorInfo] = []
            for index in 0..<n {
                var rawName: UnsafeMutablePointer<CChar>?
                try check(name(session, index, environment.allocator, &rawName), "Session get name")
                let tensorName = environment.takeString(rawName)
                var typeInfo: OpaquePointer?
                try check(type(session, index, &typeInfo), "Session get type info")
                guard let typeInfo else { throw .unsupportedType(model: model, tensor: tensorName, detail: "no type info") }
                defer { api.ReleaseTypeInfo(typeInfo) }
                result.append(try tensorInfo(name: tensorName, typeInfo: typeInfo))
            }
            return result
        }

        private func tensorInfo(name: String, typeInfo: OpaquePointer) throws(ONNXRuntimeError) -> TensorInfo {
            var onnxType: Int32 = 0
            try check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType), "GetOnnxTypeFromTypeInfo")
            var shapeInfo: OpaquePointer?  // borrowed from typeInfo: not released separately
            try check(api.CastTypeInfoToTensorInfo(typeInfo, &shapeInfo), "CastTypeInfoToTensorInfo")
            guard onnxType == 1, let shapeInfo else {
                throw .unsupportedType(model: model, tensor: name, detail: "ONNX type \(onnxType) is not a dense tensor")
            }
            let (elementType, shape, symbols) = try ORTModelDescription.describe(shapeInfo, api: api, environment: environment, model: model)
            guard let type = ElementType(onnx: elementType) else {
                throw .unsupportedType(model: model, tensor: name, detail: "element type \(elementType)")
            }
            return TensorInfo(name: name, elementType: type, shape: shape, symbolicDims: symbols)
        }

        func overridableInitializers() throws(ONNXRuntimeError) -> [String] {
            var n = 0
            try check(api.SessionGetOverridableInitializerCount(session, &n), "SessionGetOverridableInitializerCount")
            var names: [String] = []
            for index in 0..<n {
                var rawName: UnsafeMutablePointer<CChar>?
                try check(api.SessionGetOverridableInitializerName(session, index, environment.allocator, &rawName),
                          "SessionGetOverridableInitializerName")
                names.append(environment.takeString(rawName))
            }
            return names
        }

        func metadata() throws(ONNXRuntimeError) -> (String, [String: String]) {
            var handle: OpaquePointer?
            try check(api.SessionGetModelMetadata(session, &handle), "SessionGetModelMetadata")
            guard let handle else { return ("", [:]) }
            defer { api.ReleaseModelMetadata(handle) }
            var rawGraphName: UnsafeMutablePointer<CChar>?
            try check(api.ModelMetadataGetGraphName(handle, environment.allocator, &rawGraphName), "ModelMetadataGetGraphName")
            let graphName = environment.takeString(rawGraphName)

            var keys: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            var count: Int64 = 0
            try check(api.ModelMetadataGetCustomMetadataMapKeys(handle, environment.allocator, &keys, &count),
                      "ModelMetadataGetCustomMetadataMapKeys")
            guard let keys else { return (graphName, [:]) }
            // Take ownership of every key before anything can throw, so none leaks.
            let names = (0..<Int(count)).map { environment.takeString(keys[$0]) }
            environment.free(keys)
            var result: [String: String] = [:]
            for key in names {
                var value: UnsafeMutablePointer<CChar>?
                try check(api.ModelMetadataLookupCustomMetadataMap(handle, environment.allocator, key, &value),
                          "ModelMetadataLookupCustomMetadataMap(\(key))")
                result[key] = environment.takeString(value)
            }
            return (graphName, result)
        }
    }

    /// Element type, shape (-1 for dynamic dims) and symbolic dim names of a tensor type-and-shape.
    static func describe(_ info: OpaquePointer, api: FWOrtApi, environment: ORTEnvironment, model: String)
        throws(ONNXRuntimeError) -> (Int32, [Int], [String])
    {
        var elementType: Int32 = 0
        try environment.check(api.GetTensorElementType(info, &elementType), "GetTensorElementType", model: model)
        var rank = 0
        try environment.check(api.GetDimensionsCount(info, &rank), "GetDimensionsCount", model: model)
        var dims = [Int64](repeating: 0, count: rank)
        try environment.check(api.GetDimensions(info, &dims, rank), "GetDimensions", model: model)
        var symbols = [UnsafePointer<CChar>?](repeating: nil, count: rank)
        try environment.check(api.GetSymbolicDimensions(info, &symbols, rank), "GetSymbolicDimensions", model: model)
        let names = symbols.map { $0.map { String(cString: $0) } ?? "" }
        return (elementType, dims.map { $0 < 0 ? -1 : Int($0) }, names)
    }
}
