import FramewiseCore

/// Everything that can go wrong loading ONNX Runtime, loading a model or running it.
///
/// Each case carries its context: the model's name, the input or call involved and, for failures
/// inside ONNX Runtime, ORT's own error code and message.
public enum ONNXRuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No ONNX Runtime library was found; `searched` lists each place looked at, in order.
    case libraryNotFound(searched: [String])
    /// The library file exists but could not be used (not loadable, not ORT, too old).
    case libraryLoadFailed(path: String, reason: String)
    /// The model file does not exist.
    case modelNotFound(model: String, path: String)
    /// ONNX Runtime could not load the model file (corrupt, not ONNX, unsupported operator...).
    case modelLoadFailed(model: String, path: String, code: Code, message: String)
    /// The model declares an input or output whose type Framewise cannot hold in a ``Tensor``.
    case unsupportedType(model: String, tensor: String, detail: String)
    /// An execution provider was requested that this ONNX Runtime build cannot use.
    case providerUnavailable(provider: String, model: String, available: [String], message: String)
    /// A run was given an input the model does not declare.
    case unknownInput(model: String, input: String, declared: [String])
    /// A run lacked one of the model's inputs.
    case missingInput(model: String, input: String)
    /// An input's element type differs from the declared one.
    case elementTypeMismatch(model: String, input: String, expected: ElementType, actual: ElementType)
    /// An input's rank or a fixed dimension differs from the declaration (`-1` marks dynamic dims).
    case shapeMismatch(model: String, input: String, expected: [Int], actual: [Int])
    /// An ONNX Runtime call failed.
    case runtime(call: String, model: String?, code: Code, message: String)

    /// ONNX Runtime's error code (`OrtErrorCode`).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let fail = Code(rawValue: 1)
        public static let invalidArgument = Code(rawValue: 2)
        public static let noSuchFile = Code(rawValue: 3)
        public static let noModel = Code(rawValue: 4)
        public static let engineError = Code(rawValue: 5)
        public static let runtimeException = Code(rawValue: 6)
        public static let invalidProtobuf = Code(rawValue: 7)
        public static let modelLoaded = Code(rawValue: 8)
        public static let notImplemented = Code(rawValue: 9)
        public static let invalidGraph = Code(rawValue: 10)
        public static let executionProviderFailure = Code(rawValue: 11)

        public var description: String {
            let names = ["OK", "FAIL", "INVALID_ARGUMENT", "NO_SUCHFILE", "NO_MODEL", "ENGINE_ERROR",
                         "RUNTIME_EXCEPTION", "INVALID_PROTOBUF", "MODEL_LOADED", "NOT_IMPLEMENTED",
                         "INVALID_GRAPH", "EP_FAIL"]
            return names.indices.contains(Int(rawValue)) ? names[Int(rawValue)] : "ORT error \(rawValue)"
        }
    }

    /// The model the error concerns, if any.
    public var modelName: String? {
        switch self {
        case .libraryNotFound, .libraryLoadFailed: nil
        case let .modelNotFound(model, _), let .modelLoadFailed(model, _, _, _),
             let .unsupportedType(model, _, _), let .providerUnavailable(_, model, _, _),
             let .unknownInput(model, _, _), let .missingInput(model, _),
             let .elementTypeMismatch(model, _, _, _), let .shapeMismatch(model, _, _, _): model
        case let .runtime(_, model, _, _): model
        }
    }

    public var description: String {
        switch self {
        case let .libraryNotFound(searched):
            "ONNX Runtime library not found; searched: \(searched.joined(separator: ", ")). "
                + "Set ONNXRuntimeConfiguration.libraryPath or ORT_DYLIB_PATH, or run scripts/setup.sh to create .venv"
        case let .libraryLoadFailed(path, reason):
            "cannot use ONNX Runtime library \(path): \(reason)"
        case let .modelNotFound(model, path):
            "model '\(model)': file \(path) does not exist"
        case let .modelLoadFailed(model, path, code, message):
            "model '\(model)': ONNX Runtime cannot load \(path) [\(code)]: \(message)"
        case let .unsupportedType(model, tensor, detail):
            "model '\(model)': tensor '\(tensor)' has an unsupported type (\(detail))"
        case let .providerUnavailable(provider, model, available, message):
            "model '\(model)': execution provider \(provider) is not available in this ONNX Runtime build "
                + "(available: \(available.joined(separator: ", "))): \(message)"
        case let .unknownInput(model, input, declared):
            "model '\(model)': no input named '\(input)' (declared inputs: \(declared.joined(separator: ", ")))"
        case let .missingInput(model, input):
            "model '\(model)': input '\(input)' was not given"
        case let .elementTypeMismatch(model, input, expected, actual):
            "model '\(model)': input '\(input)' must be \(expected.rawValue), got \(actual.rawValue)"
        case let .shapeMismatch(model, input, expected, actual):
            "model '\(model)': input '\(input)' expects shape \(Self.format(expected)), got \(Self.format(actual))"
        case let .runtime(call, model, code, message):
            "\(model.map { "model '\($0)': " } ?? "")ONNX Runtime \(call) failed [\(code)]: \(message)"
        }
    }

    private static func format(_ shape: [Int]) -> String {
        "[" + shape.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ") + "]"
    }
}
