import Foundation

/// Feature vectors as the index keeps them: L2-normalised (so distances lie in [0, 2] whatever the
/// model's scale) and stored as float16 blobs (half the bytes of float32).
public enum FeatureVector {
    /// `v` scaled to unit length (a zero vector stays zero).
    public static func normalized(_ v: [Float]) -> [Float] {
        let norm = sqrtf(v.reduce(0) { $0 + $1 * $1 })
        guard norm > 0 else { return v }
        return v.map { $0 / norm }
    }

    /// Euclidean distance; vectors of different lengths are infinitely far apart.
    public static func distance(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        var sum: Float = 0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sqrtf(sum)
    }

    /// Little-endian IEEE float16 bytes.
    public static func float16Blob(_ v: [Float]) -> Data {
        var out = Data(capacity: v.count * 2)
        for x in v {
            let bits = Float16(x).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// The vector a `float16Blob` holds.
    public static func fromFloat16Blob(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 1, by: 2).map { i in
            Float(Float16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
        }
    }
}
