import FramewiseCore
import Testing

@Suite("Tensor")
struct TensorTests {
    @Test func float32CountMismatchThrows() {
        #expect(throws: TensorError.elementCountMismatch(shape: [2, 3], count: 5)) {
            try Tensor.float32(shape: [2, 3], values: [1, 2, 3, 4, 5])
        }
        #expect(throws: TensorError.self) {
            try Tensor.float32(shape: [2], values: [1, 2, 3])
        }
    }

    @Test func float32KeepsValuesAndShape() throws {
        let values: [Float] = [0.5, -1, 2, 3.25, 4, 1e-3]
        let t = try Tensor.float32(shape: [2, 3], values: values)
        #expect(t.elementType == .float32)
        #expect(t.shape == [2, 3])
        #expect(t.elementCount == 6)
        #expect(t.byteCount == 24)
        #expect(t.floats() == values)
        #expect(t.withFloats { Array($0) } == values)
    }

    @Test func int64FloatsConvert() {
        let t = Tensor(elementType: .int64, shape: [2, 2])
        let ints: [Int64] = [-3, 0, 7, 1 << 20]
        for (i, v) in ints.enumerated() {
            t.buffer.baseAddress.storeBytes(of: v, toByteOffset: i * 8, as: Int64.self)
        }
        #expect(t.byteCount == 32)
        #expect(t.floats() == [-3, 0, 7, 1_048_576])
    }

    @Test func otherIntegerTypesConvert() {
        let i32 = Tensor(elementType: .int32, shape: [3])
        for (i, v) in [Int32(-5), 6, 100_000].enumerated() {
            i32.buffer.baseAddress.storeBytes(of: v, toByteOffset: i * 4, as: Int32.self)
        }
        #expect(i32.floats() == [-5, 6, 100_000])

        let u8 = Tensor(elementType: .uint8, shape: [3])
        for (i, v) in [UInt8(0), 128, 255].enumerated() {
            u8.buffer.baseAddress.storeBytes(of: v, toByteOffset: i, as: UInt8.self)
        }
        #expect(u8.floats() == [0, 128, 255])

        let d = Tensor(elementType: .double, shape: [2])
        d.buffer.baseAddress.storeBytes(of: 2.5, toByteOffset: 0, as: Double.self)
        d.buffer.baseAddress.storeBytes(of: -0.25, toByteOffset: 8, as: Double.self)
        #expect(d.floats() == [2.5, -0.25])
    }

    @Test func newTensorsAreZeroed() {
        let t = Tensor(elementType: .float32, shape: [4, 4])
        #expect(t.floats() == Array(repeating: 0, count: 16))
    }

    @Test func wrappingATooSmallBufferThrows() {
        #expect(throws: TensorError.bufferTooSmall(needed: 16, available: 8)) {
            try Tensor(elementType: .float32, shape: [4], buffer: TensorBuffer(byteCount: 8))
        }
    }

    @Test func wrappingSharesTheBuffer() throws {
        let buffer = TensorBuffer(byteCount: 64)
        let t = try Tensor(elementType: .float32, shape: [2, 2], buffer: buffer)
        buffer.baseAddress.storeBytes(of: Float(9), toByteOffset: 4, as: Float.self)
        #expect(t.floats() == [0, 9, 0, 0])
    }

    @Test(arguments: [([Int](), 1), ([3], 3), ([2, 3, 4], 24), ([5, 0], 0)])
    func elementCount(_ shape: [Int], _ expected: Int) {
        #expect(Tensor.elementCount(of: shape) == expected)
    }

    @Test func elementSizes() {
        #expect(ElementType.float32.byteSize == 4)
        #expect(ElementType.int64.byteSize == 8)
        #expect(ElementType.uint8.byteSize == 1)
        #expect(ElementType.float16.byteSize == 2)
    }

    @Test func tensorInfoDescribesDynamicDimensions() {
        let info = TensorInfo(name: "images", elementType: .float32, shape: [-1, 3, -1, 640], symbolicDims: ["batch", "", "", ""])
        #expect(info.description == "images: float32[batch,3,?,640]")
    }
}

/// Batch buffers reused across batches of any size up to the pool's.
@Suite struct TensorBufferPoolTests {
    @Test func aRecycledBufferServesTheNextBatchOfAnySizeThatFits() throws {
        let pool = TensorBufferPool(bufferBytes: 4 * 3 * 4 * 4, capacity: 2)  // 4 items of [3, 4, 4] bytes
        let full = pool.tensor(elementType: .uint8, shape: [4, 3, 4, 4])
        #expect(full.buffer.byteCount == pool.bufferBytes && full.byteCount == pool.bufferBytes)
        full.buffer.baseAddress.storeBytes(of: 7, as: UInt8.self)
        pool.recycle(full)
        #expect(pool.idleCount == 1)
        // A smaller batch gets the same buffer, its shape only as large as asked.
        let partial = pool.tensor(elementType: .uint8, shape: [2, 3, 4, 4])
        #expect(partial.buffer === full.buffer)
        #expect(partial.byteCount == 2 * 3 * 4 * 4 && partial.shape == [2, 3, 4, 4])
        #expect(pool.idleCount == 0)
        pool.recycle(partial)
        // Too large for the pool: a buffer of its own, never pooled.
        let large = pool.tensor(elementType: .float32, shape: [4, 3, 4, 4])
        #expect(large.buffer.byteCount == 4 * 3 * 4 * 4 * 4)
        pool.recycle(large)
        #expect(pool.idleCount == 1)
        // At most `capacity` kept.
        for _ in 0..<3 { pool.recycle(pool.tensor(elementType: .uint8, shape: [1, 3, 4, 4]) ) }
        let a = pool.tensor(elementType: .uint8, shape: [1]), b = pool.tensor(elementType: .uint8, shape: [1]), c = pool.tensor(elementType: .uint8, shape: [1])
        for t in [a, b, c] { pool.recycle(t) }
        #expect(pool.idleCount == 2)
    }
}
