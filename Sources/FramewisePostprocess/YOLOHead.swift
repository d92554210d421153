import FramewiseCore

/// YOLOv8-style decoding of a [4 + classes, N] output (cx, cy, w, h, class scores), then per-class NMS.
public struct YOLOHead: Sendable {
    public let spec: DetectionSpec
    public init(spec: DetectionSpec) { self.spec = spec }

    public func apply(_ item: ItemOutputs, transform: ImageTransform) throws(PostprocessError) -> HeadResult {
        guard let out = item.tensors.first, out.shape.count == 2, out.shape[0] > 4 else {
            throw PostprocessError(head: "yolo", message: "expected an output [4 + classes, N], got \(item.tensors.first?.shape ?? [])")
        }
        let rows = out.shape[0], n = out.shape[1]
        let v = out.values
        var boxes: [Detection] = []
        for j in 0..<n {
            var best = 0, bestScore: Float = -1
            for c in 4..<rows where v[c * n + j] > bestScore {
                bestScore = v[c * n + j]
                best = c - 4
            }
            guard bestScore > spec.threshold else { continue }
            let cx = Double(v[j]), cy = Double(v[n + j]), bw = Double(v[2 * n + j]), bh = Double(v[3 * n + j])
            let a = transform.toSource(x: cx - bw / 2, y: cy - bh / 2)
            let b = transform.toSource(x: cx + bw / 2, y: cy + bh / 2)
            let label = best < spec.labels.count ? spec.labels[best] : String(best)
            boxes.append(Detection(x1: a.x, y1: a.y, x2: b.x, y2: b.y, score: bestScore, label: label))
        }
        let kept = nonMaximumSuppression(boxes, threshold: spec.nms, limit: spec.maxBoxes)
        return HeadResult(json: .object(["count": .number(Double(kept.count)), "boxes": .array(kept.map(\.json))]), detections: kept)
    }
}
