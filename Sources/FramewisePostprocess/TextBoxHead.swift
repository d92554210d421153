import FramewiseCore

/// DB text detection: threshold the probability map, take 4-connected components, keep those
/// whose mean probability passes `boxThreshold`, grow each box by the DB unclip distance
/// (area * ratio / perimeter) and map it to frame pixels. Boxes come top to bottom, left to right.
public struct TextBoxHead: Sendable {
    public let spec: TextBoxSpec
    public init(spec: TextBoxSpec) { self.spec = spec }

    public func apply(_ item: ItemOutputs, transform: ImageTransform) throws(PostprocessError) -> HeadResult {
        guard let out = item.tensors.first, out.shape.count >= 2 else {
            throw PostprocessError(head: "text_boxes", message: "expected a probability map [1,H,W], got \(item.tensors.first?.shape ?? [])")
        }
        let h = out.shape[out.shape.count - 2], w = out.shape[out.shape.count - 1]
        let prob = out.values
        guard prob.count >= h * w else {
            throw PostprocessError(head: "text_boxes", message: "probability map has \(prob.count) values, expected \(h * w)")
        }
        var label = [Int32](repeating: 0, count: h * w)
        var boxes: [Detection] = []
        var stack: [Int] = []
        var next: Int32 = 0
        for start in 0..<(h * w) where label[start] == 0 && prob[start] > spec.threshold {
            next += 1
            label[start] = next
            stack.append(start)
            var minX = w, minY = h, maxX = -1, maxY = -1
            var sum: Float = 0, count = 0
            while let p = stack.popLast() {
                let y = p / w, x = p % w
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                sum += prob[p]; count += 1
                for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < w, ny < h else { continue }
                    let q = ny * w + nx
                    if label[q] == 0 && prob[q] > spec.threshold {
                        label[q] = next
                        stack.append(q)
                    }
                }
            }
            let bw = Double(maxX - minX + 1), bh = Double(maxY - minY + 1)
            guard min(bw, bh) >= Double(spec.minSize) else { continue }
            let score = sum / Float(count)
            guard score >= spec.boxThreshold else { continue }
            let d = bw * bh * Double(spec.unclip) / (2 * (bw + bh))
            let a = transform.toSource(x: Double(minX) - d, y: Double(minY) - d)
            let b = transform.toSource(x: Double(maxX + 1) + d, y: Double(maxY + 1) + d)
            boxes.append(Detection(x1: a.x, y1: a.y, x2: b.x, y2: b.y, score: score))
        }
        let kept = Array(Self.readingOrder(boxes).prefix(spec.maxBoxes))
        return HeadResult(json: .object(["count": .number(Double(kept.count)), "boxes": .array(kept.map(\.json))]), detections: kept)
    }

    /// Boxes in reading order: grouped into lines (a box joins the line whose first box's top is
    /// within half its height), lines top to bottom, boxes left to right. Deterministic.
    public static func readingOrder(_ boxes: [Detection]) -> [Detection] {
        var lines: [[Detection]] = []
        for box in boxes.sorted(by: { ($0.y1, $0.x1) < ($1.y1, $1.x1) }) {
            if let last = lines.last?.first, box.y1 - last.y1 <= max(last.height, box.height) / 2 {
                lines[lines.count - 1].append(box)
            } else {
                lines.append([box])
            }
        }
        return lines.flatMap { $0.sorted { ($0.x1, $0.y1) < ($1.x1, $1.y1) } }
    }
}
