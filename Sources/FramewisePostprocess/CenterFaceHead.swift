import Foundation
import FramewiseCore

/// CenterFace decoding: heatmap peaks above the threshold become boxes sized by exp(scale)*4,
/// shifted by the offset map, with five landmarks; then NMS. Boxes are mapped to frame pixels.
///
/// Outputs are recognised by channel count: 1 heatmap, 2 scale (first) and offset (second), 10 landmarks.
public struct CenterFaceHead: Sendable {
    public let spec: DetectionSpec
    public init(spec: DetectionSpec) { self.spec = spec }

    public func apply(_ item: ItemOutputs, transform: ImageTransform) throws(PostprocessError) -> HeadResult {
        let maps = item.tensors.filter { $0.shape.count == 3 }
        guard let heat = maps.first(where: { $0.shape[0] == 1 }),
              case let twos = maps.filter({ $0.shape[0] == 2 }), twos.count == 2 else {
            throw PostprocessError(head: "centerface", message: "expected heatmap [1,h,w], scale [2,h,w] and offset [2,h,w] outputs, got \(item.tensors.map(\.shape))")
        }
        let scale = twos[0], offset = twos[1]
        let landmarks = maps.first { $0.shape[0] == 10 }
        let h = heat.shape[1], w = heat.shape[2]
        let plane = h * w
        guard scale.values.count == 2 * plane, offset.values.count == 2 * plane else {
            throw PostprocessError(head: "centerface", message: "scale/offset maps do not match the heatmap's \(h)x\(w)")
        }
        let inputW = Double(w * 4), inputH = Double(h * 4)
        var boxes: [Detection] = []
        for row in 0..<h {
            for col in 0..<w {
                let i = row * w + col
                let score = heat.values[i]
                guard score > spec.threshold else { continue }
                let bh = Double(expf(scale.values[i])) * 4
                let bw = Double(expf(scale.values[plane + i])) * 4
                let oy = Double(offset.values[i]), ox = Double(offset.values[plane + i])
                let x1 = min(max(0, (Double(col) + ox + 0.5) * 4 - bw / 2), inputW)
                let y1 = min(max(0, (Double(row) + oy + 0.5) * 4 - bh / 2), inputH)
                let x2 = min(x1 + bw, inputW), y2 = min(y1 + bh, inputH)
                var marks: [Double] = []
                if let lm = landmarks, lm.values.count == 10 * plane {
                    for j in 0..<5 {
                        let ly = Double(lm.values[(2 * j) * plane + i]) * bh + y1
                        let lx = Double(lm.values[(2 * j + 1) * plane + i]) * bw + x1
                        let p = transform.toSource(x: lx, y: ly)
                        marks += [p.x, p.y]
                    }
                }
                let a = transform.toSource(x: x1, y: y1), b = transform.toSource(x: x2, y: y2)
                boxes.append(Detection(x1: a.x, y1: a.y, x2: b.x, y2: b.y, score: score, landmarks: marks))
            }
        }
        let kept = nonMaximumSuppression(boxes, threshold: spec.nms, limit: spec.maxBoxes)
        return HeadResult(json: .object(["count": .number(Double(kept.count)), "boxes": .array(kept.map(\.json))]), detections: kept)
    }
}
