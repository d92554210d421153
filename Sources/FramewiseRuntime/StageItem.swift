import FramewiseCore
import FramewiseMedia
import FramewisePostprocess

/// One input of a stage's model: a frame, a crop of a frame, or upstream tensors.
struct StageItem: Sendable {
    /// Position of the frame within the chunk being processed.
    let slot: Int
    let frame: VideoFrame?
    let crop: Rect?
    let rotate180: Bool
    /// Model input -> (shape without batch, values), for tensor joins.
    let tensors: [String: (shape: [Int], values: [Float])]

    static func image(slot: Int, frame: VideoFrame, crop: Rect? = nil, rotate180: Bool = false) -> StageItem {
        StageItem(slot: slot, frame: frame, crop: crop, rotate180: rotate180, tensors: [:])
    }
}

/// What a stage produced for one item.
struct StageItemResult: Sendable {
    let slot: Int
    let crop: Rect?
    let head: HeadResult
    let outputs: ItemOutputs
}

extension LoadedPipeline {
    /// A frame's result: each stage's output in the pipeline's stage order (stages without one left out).
    func frameResult(index: Int, source: Int?, time: Double, outputs: [String: StageFrameOutput]) -> FrameResult {
        let fields = stages.compactMap { s in outputs[s.spec.name].map { JSONField(s.spec.name, $0.json) } }
        return FrameResult(index: index, sourceIndex: source, time: time, outputs: fields)
    }
}

/// A stage's output for one frame: one result, or one per crop (fan-out).
enum StageFrameOutput: Sendable {
    case single(StageItemResult)
    case crops([StageItemResult])
    /// The stage did not run on the frame (e.g. it could not meet its deadline).
    case dropped(String)

    var json: JSONValue {
        switch self {
        case let .dropped(reason): return .object(["dropped": .string(reason)])
        case let .single(r): return r.head.json
        case let .crops(items):
            return .array(items.map { item in
                var fields: [JSONField] = []
                if let c = item.crop {
                    let box = [c.x, c.y, c.x + c.width, c.y + c.height].map { JSONValue.number(($0 * 10).rounded() / 10) }
                    fields.append(JSONField("box", .array(box)))
                }
                if case let .object(own) = item.head.json { fields += own } else { fields.append(JSONField("value", item.head.json)) }
                return .object(fields)
            })
        }
    }
}
