import FramewiseCore
import FramewisePostprocess

extension StageFrameOutput {
    /// The output with only the raw tensors a downstream tensor join reads (`keep`; nil in it
    /// standing for "the first output"), so a detector's heat maps never travel to the store.
    func keepingTensors(_ keep: Set<String?>) -> StageFrameOutput {
        func trim(_ r: StageItemResult) -> StageItemResult {
            let first = r.outputs.tensors.first?.name
            let kept = r.outputs.tensors.filter { keep.contains($0.name) || (keep.contains(nil) && $0.name == first) }
            return StageItemResult(slot: r.slot, crop: r.crop, head: r.head, outputs: ItemOutputs(tensors: kept))
        }
        switch self {
        case let .single(r): return .single(trim(r))
        case let .crops(items): return .crops(items.map(trim))
        case .dropped: return self
        }
    }
}

extension StageWiring {
    /// Per stage, the outputs that tensor joins downstream read (nil: the first output).
    static func joinedOutputs(_ pipeline: LoadedPipeline) -> [String: Set<String?>] {
        var out: [String: Set<String?>] = [:]
        for stage in pipeline.stages {
            guard case let .tensors(bindings) = stage.spec.input else { continue }
            for source in bindings.flatMap(\.sources) { out[source.stage, default: []].insert(source.output) }
        }
        return out
    }
}
