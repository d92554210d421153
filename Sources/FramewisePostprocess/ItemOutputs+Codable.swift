import Foundation

/// Tensors travel as `{"name", "shape", "values"}` with the values as base64 of little-endian Float32
/// bytes: bit-exact (NaN payloads and infinities included), and about a third of the size of JSON numbers.
extension ItemOutputs: Codable {
    private enum Key: String, CodingKey { case name, shape, values }

    public func encode(to encoder: any Encoder) throws {
        var list = encoder.unkeyedContainer()
        for tensor in tensors {
            var entry = list.nestedContainer(keyedBy: Key.self)
            try entry.encode(tensor.name, forKey: .name)
            try entry.encode(tensor.shape, forKey: .shape)
            try entry.encode(Self.littleEndianBytes(tensor.values).base64EncodedString(), forKey: .values)
        }
    }

    public init(from decoder: any Decoder) throws {
        var list = try decoder.unkeyedContainer()
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        while !list.isAtEnd {
            let entry = try list.nestedContainer(keyedBy: Key.self)
            let name = try entry.decode(String.self, forKey: .name)
            let shape = try entry.decode([Int].self, forKey: .shape)
            let text = try entry.decode(String.self, forKey: .values)
            guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(forKey: .values, in: entry, debugDescription:
                    "tensor '\(name)': values are not base64 of Float32 bytes (\(text.utf8.count) characters)")
            }
            tensors.append((name, shape, Self.floats(littleEndian: bytes)))
        }
        self.init(tensors: tensors)
    }

    static func littleEndianBytes(_ values: [Float]) -> Data {
        var data = Data(count: values.count * 4)
        data.withUnsafeMutableBytes { out in
            for (i, v) in values.enumerated() { out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        return data
    }

    static func floats(littleEndian bytes: Data) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}
