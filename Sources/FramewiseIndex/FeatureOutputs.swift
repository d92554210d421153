import FramewiseCore

/// Which of a model's outputs can serve as the index's feature vector: one vector per item, i.e.
/// `[batch, D]` or `[batch, D, 1, 1]` (a pooled layer) with D of at least `minimumWidth`. Names that
/// say so (feature, embed, pool) come first, then the rest in the model's order.
public enum FeatureOutputs {
    public static func candidates(_ outputs: [TensorInfo], minimumWidth: Int = 32) -> [TensorInfo] {
        let vectors = outputs.filter { info in
            let s = info.shape
            switch s.count {
            case 2: return s[1] >= minimumWidth
            case 4: return s[1] >= minimumWidth && s[2] == 1 && s[3] == 1
            default: return false
            }
        }
        func named(_ info: TensorInfo) -> Bool {
            let n = info.name.lowercased()
            return ["feat", "embed", "pool"].contains { n.contains($0) }
        }
        return vectors.filter(named) + vectors.filter { !named($0) }
    }
}
