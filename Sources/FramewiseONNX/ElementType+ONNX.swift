import FramewiseCore

extension ElementType {
    /// Maps an `ONNXTensorElementDataType` value; `nil` for types ``Tensor`` cannot hold
    /// (uint32, uint64, complex, bfloat16, float8, int4...).
    init?(onnx value: Int32) {
        switch value {
        case 1: self = .float32
        case 2: self = .uint8
        case 3: self = .int8
        case 4: self = .uint16
        case 5: self = .int16
        case 6: self = .int32
        case 7: self = .int64
        case 8: self = .string
        case 9: self = .bool
        case 10: self = .float16
        case 11: self = .double
        default: return nil
        }
    }

    /// The `ONNXTensorElementDataType` value.
    var onnxValue: Int32 {
        switch self {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .string: 8
        case .bool: 9
        case .float16: 10
        case .double: 11
        }
    }
}
