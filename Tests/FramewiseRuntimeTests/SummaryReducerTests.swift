import FramewiseCore
import FramewiseRuntime
import Testing

@Suite struct SummaryReducerTests {
    static let frames: [FrameResult] = [
        FrameResult(index: 0, time: 0, outputs: [JSONField("faces", .object(["count": .number(0)])), JSONField("text", .array([]))]),
        FrameResult(index: 1, time: 1, outputs: [JSONField("faces", .object(["count": .number(2)])),
                                                 JSONField("text", .array([.object(["text": .string("A")]), .object(["text": .string("B")])]))]),
        FrameResult(index: 2, time: 2, outputs: [JSONField("faces", .object(["count": .number(1)])),
                                                 JSONField("text", .array([.object(["text": .string("A")])]))]),
    ]

    @Test(arguments: [
        (Reduction.max, JSONValue.number(2)), (.min, .number(0)), (.sum, .number(3)), (.mean, .number(1)),
        (.count, .number(3)), (.countNonzero, .number(2)),
    ])
    func reducesCounts(reduce: Reduction, expected: JSONValue) {
        let out = SummaryReducer.reduce([SummarySpec(name: "x", stage: "faces", value: "count", reduce: reduce)], frames: Self.frames)
        #expect(out == [JSONField("x", expected)])
    }

    @Test func uniqueTextsThroughCrops() {
        let out = SummaryReducer.reduce([SummarySpec(name: "t", stage: "text", value: "text", reduce: .unique),
                                         SummarySpec(name: "n", stage: "text", value: "text", reduce: .count)], frames: Self.frames)
        #expect(out[0].value == .array([.string("A"), .string("B")]))
        #expect(out[1].value == .number(3))
    }

    @Test func emptyInputsGiveNull() {
        let out = SummaryReducer.reduce([SummarySpec(name: "x", stage: "missing", value: "count", reduce: .max)], frames: Self.frames)
        #expect(out[0].value == .null)
    }
}
