import Foundation

/// The element type of a tensor, named as ONNX names them.
public enum ElementType: String, Sendable, Codable, CaseIterable {
    case float32, float16, double, uint8, int8, uint16, int16, int32, int64, bool, string

    /// Bytes per element (0 for `string`, whose elements have no fixed size).
    public var byteSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .float16, .uint16, .int16: 2
        case .float32, .int32: 4
        case .double, .int64: 8
        case .string: 0
        }
    }
}

/// A 64-byte aligned, zero-initialised block of memory that a tensor owns or borrows.
///
/// Reference-counted so that a batch buffer can be shared by reference between stages and
/// threads without copying pixels. Writers must finish before the buffer is shared.
public final class TensorBuffer: @unchecked Sendable {
    /// Size of the block in bytes.
    public let byteCount: Int
    /// First byte of the block; valid as long as this object lives.
    public let baseAddress: UnsafeMutableRawPointer

    /// Allocates `byteCount` zeroed bytes (at least 1).
    public init(byteCount: Int) {
        let count = max(byteCount, 1)
        self.byteCount = byteCount
        self.baseAddress = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 64)
        self.baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    deinit { baseAddress.deallocate() }
}

/// A dense, row-major tensor: an element type, a shape and the buffer holding its elements.
public struct Tensor: Sendable {
    /// Element type of every element.
    public let elementType: ElementType
    /// Dimensions, outermost first. All are concrete (no -1).
    public let shape: [Int]
    /// Storage; at least `byteCount` bytes.
    public let buffer: TensorBuffer

    /// Allocates a zeroed tensor of the given type and shape.
    public init(elementType: ElementType, shape: [Int]) {
        self.elementType = elementType
        self.shape = shape
        self.buffer = TensorBuffer(byteCount: Tensor.elementCount(of: shape) * elementType.byteSize)
    }

    /// Wraps an existing buffer, which must hold at least `shape`'s elements.
    public init(elementType: ElementType, shape: [Int], buffer: TensorBuffer) throws(TensorError) {
        let needed = Tensor.elementCount(of: shape) * elementType.byteSize
        guard buffer.byteCount >= needed else {
            throw TensorError.bufferTooSmall(needed: needed, available: buffer.byteCount)
        }
        self.elementType = elementType
        self.shape = shape
        self.buffer = buffer
    }

    /// A float32 tensor holding `values`, which must have exactly `shape`'s element count.
    public static func float32(shape: [Int], values: [Float]) throws(TensorError) -> Tensor {
        guard values.count == elementCount(of: shape) else {
            throw TensorError.elementCountMismatch(shape: shape, count: values.count)
        }
        let tensor = Tensor(elementType: .float32, shape: shape)
        values.withUnsafeBytes { tensor.buffer.baseAddress.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return tensor
    }

    /// Product of the dimensions (1 for a scalar).
    public static func elementCount(of shape: [Int]) -> Int { shape.reduce(1) { $0 * max($1, 0) } }

    /// Number of elements.
    public var elementCount: Int { Tensor.elementCount(of: shape) }
    /// Number of bytes the elements occupy.
    public var byteCount: Int { elementCount * elementType.byteSize }

    /// The elements as floats, converting from the stored type (float32, double, integers, bool).
    public func floats() -> [Float] {
        let n = elementCount
        let p = buffer.baseAddress
        switch elementType {
        case .float32: return Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: Float.self), count: n))
        case .double: return (0..<n).map { Float(p.load(fromByteOffset: $0 * 8, as: Double.self)) }
        case .int64: return (0..<n).map { Float(p.load(fromByteOffset: $0 * 8, as: Int64.self)) }
        case .int32: return (0..<n).map { Float(p.load(fromByteOffset: $0 * 4, as: Int32.self)) }
        case .int16: return (0..<n).map { Float(p.load(fromByteOffset: $0 * 2, as: Int16.self)) }
        case .uint16: return (0..<n).map { Float(p.load(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .uint8, .bool: return (0..<n).map { Float(p.load(fromByteOffset: $0, as: UInt8.self)) }
        case .int8: return (0..<n).map { Float(p.load(fromByteOffset: $0, as: Int8.self)) }
        case .float16, .string: return []
        }
    }

    /// Calls `body` with the float32 elements in place (no copy). Requires `.float32`.
    public func withFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        precondition(elementType == .float32, "withFloats on a \(elementType) tensor")
        return try body(UnsafeBufferPointer(start: buffer.baseAddress.assumingMemoryBound(to: Float.self), count: elementCount))
    }
}

/// Errors building tensors.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    case bufferTooSmall(needed: Int, available: Int)
    case elementCountMismatch(shape: [Int], count: Int)

    public var description: String {
        switch self {
        case let .bufferTooSmall(needed, available): "tensor buffer too small: needs \(needed) bytes, has \(available)"
        case let .elementCountMismatch(shape, count): "\(count) values do not fill shape \(shape)"
        }
    }
}

/// What a model declares about one input or output: its name, element type and shape,
/// where `-1` marks a dynamic dimension (its symbolic name, if any, in `symbolicDims`).
public struct TensorInfo: Sendable, Codable, Equatable, CustomStringConvertible {
    public var name: String
    public var elementType: ElementType
    public var shape: [Int]
    public var symbolicDims: [String]

    public init(name: String, elementType: ElementType, shape: [Int], symbolicDims: [String] = []) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
        self.symbolicDims = symbolicDims
    }

    public var description: String {
        let dims = shape.enumerated().map { i, d in
            d >= 0 ? String(d) : (i < symbolicDims.count && !symbolicDims[i].isEmpty ? symbolicDims[i] : "?")
        }
        return "\(name): \(elementType.rawValue)[\(dims.joined(separator: ","))]"
    }
}

/// Tensor buffers of one size kept for reuse, so that a stage's batch inputs are not allocated
/// (their pages faulted in and zeroed) batch after batch: a batch of any size up to the buffer's
/// runs on a reused buffer. A reused buffer holds what the last batch wrote: only for tensors whose
/// every byte is written before they are read.
public final class TensorBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [TensorBuffer] = []
    /// Bytes of each pooled buffer: the largest tensor it serves.
    public let bufferBytes: Int
    /// Most buffers kept idle.
    public let capacity: Int

    public init(bufferBytes: Int, capacity: Int = 4) {
        self.bufferBytes = bufferBytes
        self.capacity = capacity
    }

    /// A tensor of `shape` on a reused buffer, or on a new one (pooled when it fits `bufferBytes`).
    public func tensor(elementType: ElementType, shape: [Int]) -> Tensor {
        let bytes = Tensor.elementCount(of: shape) * elementType.byteSize
        guard bytes <= bufferBytes else { return Tensor(elementType: elementType, shape: shape) }
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        let buffer = reused ?? TensorBuffer(byteCount: bufferBytes)
        return (try? Tensor(elementType: elementType, shape: shape, buffer: buffer)) ?? Tensor(elementType: elementType, shape: shape)
    }

    /// Gives `tensor`'s buffer back for reuse (dropped when it is not one of this pool's size or the
    /// pool is full). The caller must hold no other reference to it and not use the tensor afterwards.
    public func recycle(_ tensor: Tensor) {
        guard tensor.buffer.byteCount == bufferBytes else { return }
        lock.lock()
        defer { lock.unlock() }
        if idle.count < capacity { idle.append(tensor.buffer) }
    }

    /// Buffers waiting for reuse.
    public var idleCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return idle.count
    }
}
