import FramewiseCore

/// `{"json", "detections", "topLabel"?}`; the JSON keeps its key order (`OrderPreservingJSON`).
/// Scores and coordinates are plain JSON numbers: an encoder needs a `nonConformingFloatEncodingStrategy`
/// for NaN or infinite ones.
extension HeadResult: Codable {
    private enum Key: String, CodingKey { case json, detections, topLabel }
    private enum LabelKey: String, CodingKey { case label, score }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(OrderPreservingJSON(json), forKey: .json)
        try container.encode(detections, forKey: .detections)
        if let topLabel {
            var label = container.nestedContainer(keyedBy: LabelKey.self, forKey: .topLabel)
            try label.encode(topLabel.label, forKey: .label)
            try label.encode(topLabel.score, forKey: .score)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let json = try container.decode(OrderPreservingJSON.self, forKey: .json).value
        let detections = try container.decode([Detection].self, forKey: .detections)
        var topLabel: (label: String, score: Float)?
        if container.contains(.topLabel) {
            let label = try container.nestedContainer(keyedBy: LabelKey.self, forKey: .topLabel)
            topLabel = (try label.decode(String.self, forKey: .label), try label.decode(Float.self, forKey: .score))
        }
        self.init(json: json, detections: detections, topLabel: topLabel)
    }
}
