import FramewiseCore

/// The output tensors of one batch item (batch dimension removed), as floats.
public struct ItemOutputs: Sendable {
    /// Output name -> (shape without batch dim, values).
    public var tensors: [(name: String, shape: [Int], values: [Float])]

    public init(tensors: [(name: String, shape: [Int], values: [Float])]) { self.tensors = tensors }

    /// Splits batch outputs (each [B, ...]) into one `ItemOutputs` per item, in output order.
    public static func split(_ outputs: [(name: String, tensor: Tensor)], batch: Int) -> [ItemOutputs] {
        var items = Array(repeating: ItemOutputs(tensors: []), count: batch)
        for (name, tensor) in outputs {
            let values = tensor.floats()
            let itemShape = Array(tensor.shape.dropFirst())
            let per = batch > 0 ? values.count / batch : 0
            for i in 0..<batch {
                let slice = per > 0 ? Array(values[(i * per)..<((i + 1) * per)]) : []
                items[i].tensors.append((name, itemShape, slice))
            }
        }
        return items
    }

    /// The output called `name`, or the first when `name` is nil.
    public func output(_ name: String?) -> (name: String, shape: [Int], values: [Float])? {
        guard let name else { return tensors.first }
        return tensors.first { $0.name == name }
    }
}

/// A box found in a frame, in frame pixels.
public struct Detection: Sendable, Equatable, Codable {
    public var x1: Double, y1: Double, x2: Double, y2: Double
    public var score: Float
    public var label: String?
    public var landmarks: [Double]

    public init(x1: Double, y1: Double, x2: Double, y2: Double, score: Float, label: String? = nil, landmarks: [Double] = []) {
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.score = score
        self.label = label
        self.landmarks = landmarks
    }

    public var width: Double { x2 - x1 }
    public var height: Double { y2 - y1 }
    public var area: Double { max(0, width) * max(0, height) }

    /// Intersection over union with `other`.
    public func iou(_ other: Detection) -> Double {
        let ix = max(0, min(x2, other.x2) - max(x1, other.x1))
        let iy = max(0, min(y2, other.y2) - max(y1, other.y1))
        let inter = ix * iy
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The box as a JSON object, coordinates rounded to 0.1 px.
    public var json: JSONValue {
        func r(_ v: Double) -> JSONValue { .number((v * 10).rounded() / 10) }
        var fields = [JSONField("box", .array([r(x1), r(y1), r(x2), r(y2)])), JSONField("score", .number(Double(score)))]
        if let label { fields.append(JSONField("label", .string(label))) }
        if !landmarks.isEmpty { fields.append(JSONField("landmarks", .array(landmarks.map(r)))) }
        return .object(fields)
    }
}

/// What a head made of one item: its JSON result and anything a downstream stage consumes.
public struct HeadResult: Sendable {
    public var json: JSONValue
    /// Boxes in frame pixels (detector heads), for crop fan-out.
    public var detections: [Detection]
    /// Best label and its score (classification heads), e.g. to orient crops.
    public var topLabel: (label: String, score: Float)?

    public init(json: JSONValue, detections: [Detection] = [], topLabel: (label: String, score: Float)? = nil) {
        self.json = json
        self.detections = detections
        self.topLabel = topLabel
    }
}

/// Errors of post-processing: the model's outputs do not have the shape the head expects.
public struct PostprocessError: Error, Sendable, CustomStringConvertible {
    public var head: String
    public var message: String
    public init(head: String, message: String) {
        self.head = head
        self.message = message
    }
    public var description: String { "\(head) postprocess: \(message)" }
}

/// Greedy non-maximum suppression: keeps the best boxes, dropping any whose IoU with a kept
/// box of the same label exceeds `threshold`.
public func nonMaximumSuppression(_ boxes: [Detection], threshold: Float, limit: Int) -> [Detection] {
    var kept: [Detection] = []
    for box in boxes.sorted(by: { $0.score > $1.score }) {
        if kept.count >= limit { break }
        if kept.contains(where: { $0.label == box.label && $0.iou(box) > Double(threshold) }) { continue }
        kept.append(box)
    }
    return kept
}
