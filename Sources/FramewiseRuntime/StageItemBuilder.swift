import FramewiseCore
import FramewiseMedia
import FramewisePostprocess

/// Turns a chunk of frames and the outputs of upstream stages into a stage's items
/// (frames, crops of detected boxes, or joined tensors), and groups results back per frame.
enum StageItemBuilder {
    static func items(for stage: LoadedStage, chunk: [VideoFrame], outputs: [String: [Int: StageFrameOutput]]) throws -> [StageItem] {
        switch stage.spec.input {
        case .frame:
            return chunk.enumerated().map { StageItem.image(slot: $0.offset, frame: $0.element) }
        case let .crops(source):
            var items: [StageItem] = []
            for (slot, frame) in chunk.enumerated() {
                guard case let .single(up)? = outputs[source.stage]?[slot] else { continue }
                var orientations: [StageItemResult] = []
                if let orient = source.orient, case let .crops(o)? = outputs[orient]?[slot] { orientations = o }
                for (i, box) in up.head.detections.prefix(source.maxPerFrame).enumerated() {
                    let pad = box.height * source.padding
                    let x1 = max(0, box.x1 - pad), y1 = max(0, box.y1 - pad)
                    let x2 = min(Double(frame.width), box.x2 + pad), y2 = min(Double(frame.height), box.y2 + pad)
                    guard x2 - x1 >= 1, y2 - y1 >= 1 else { continue }
                    let flip = i < orientations.count && orientations[i].head.topLabel.map { $0.label == "180" && $0.score >= 0.5 } == true
                    items.append(.image(slot: slot, frame: frame, crop: Rect(x: x1, y: y1, width: x2 - x1, height: y2 - y1), rotate180: flip))
                }
            }
            return items
        case .tensors:
            guard case let .tensors(bindings) = stage.feed else { return [] }
            return try chunk.indices.map { slot in
                var tensors: [String: (shape: [Int], values: [Float])] = [:]
                for b in bindings {
                    var parts: [TensorJoin.ItemTensor] = []
                    for source in b.sources {
                        guard case let .single(up)? = outputs[source.stage]?[slot], let out = up.outputs.output(source.output) else {
                            throw StageError(stage: stage.spec.name, model: stage.model.name,
                                             message: "stage '\(source.stage)' produced no output '\(source.output ?? "<first>")' for frame slot \(slot)")
                        }
                        parts.append((out.shape, out.values))
                    }
                    do {
                        tensors[b.input] = try TensorJoin.joined(parts, binding: b)
                    } catch {
                        throw StageError(stage: stage.spec.name, model: stage.model.name, message: "input '\(b.input)': \(error)")
                    }
                }
                return StageItem(slot: slot, frame: nil, crop: nil, rotate180: false, tensors: tensors)
            }
        }
    }

    /// Results grouped by frame slot: one per frame, or a list of crops per frame.
    static func group(_ results: [StageItemResult], for stage: LoadedStage, frames: Int) -> [Int: StageFrameOutput] {
        var out: [Int: StageFrameOutput] = [:]
        if case .crops = stage.spec.input {
            var lists: [Int: [StageItemResult]] = [:]
            for r in results { lists[r.slot, default: []].append(r) }
            for slot in 0..<frames { out[slot] = .crops(lists[slot] ?? []) }
        } else {
            for r in results { out[r.slot] = .single(r) }
        }
        return out
    }
}
