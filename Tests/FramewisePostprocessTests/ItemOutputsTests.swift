import FramewiseCore
import FramewisePostprocess
import Testing

@Suite("ItemOutputs")
struct ItemOutputsTests {
    @Test func splitsABatchOfThree() throws {
        let boxes = try Tensor.float32(shape: [3, 2, 2], values: (0..<12).map(Float.init))
        let logits = try Tensor.float32(shape: [3, 2], values: [10, 11, 20, 21, 30, 31])
        let ids = Tensor(elementType: .int64, shape: [3])
        for (i, v) in [Int64(7), -8, 9].enumerated() { ids.buffer.baseAddress.storeBytes(of: v, toByteOffset: i * 8, as: Int64.self) }

        let items = ItemOutputs.split([("boxes", boxes), ("logits", logits), ("ids", ids)], batch: 3)
        try #require(items.count == 3)
        for (i, item) in items.enumerated() {
            #expect(item.tensors.map(\.name) == ["boxes", "logits", "ids"])
            #expect(item.tensors.map(\.shape) == [[2, 2], [2], []])
            try #require(item.tensors.count == 3)
            #expect(item.tensors[0].values == (0..<4).map { Float(i * 4 + $0) })
            #expect(item.tensors[1].values == [Float(10 * (i + 1)), Float(10 * (i + 1) + 1)])
        }
        #expect(items.map { $0.tensors[2].values } == [[7], [-8], [9]])
        #expect(items[1].output("logits")?.values == [20, 21])
        #expect(items[2].output(nil)?.name == "boxes")
        #expect(items[0].output("absent") == nil)
    }

    @Test func batchOfOneKeepsEverything() throws {
        let t = try Tensor.float32(shape: [1, 3], values: [1, 2, 3])
        let items = ItemOutputs.split([("o", t)], batch: 1)
        try #require(items.count == 1)
        #expect(items[0].tensors.first?.values == [1, 2, 3])
        #expect(items[0].tensors.first?.shape == [3])
    }

    @Test func emptyBatch() throws {
        let t = try Tensor.float32(shape: [0, 3], values: [])
        #expect(ItemOutputs.split([("o", t)], batch: 0).isEmpty)
    }
}
