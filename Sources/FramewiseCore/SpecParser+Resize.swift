import Yams

/// The spellings of a model's `preprocess.resize` (a resize step, then optionally the centre crop to `size`):
///
///     stretch                                  stretch to size (the default)
///     letterbox                                {letterbox: center}
///     {letterbox: center | top_left, pad: P}   fit inside size, pad the rest with P
///     {stretch: [W, H], crop: center}          stretch to W x H, then the centre `size` of it
///     {short_side: N, crop: center}            short side to N (aspect kept), then the centre `size`
///     {letterbox: center, to: [W, H], crop: center}   letterbox into W x H, then the centre `size`
///     {short_side_crop: N}                     the older spelling of {short_side: N, crop: center}
///
/// A chain that cannot give a `size` image (a crop larger than the resized image, a resize to another
/// size without `crop`) is rejected here, at the file and line it was written.
extension SpecParser {
    private static let resizeKinds = ["stretch", "letterbox", "short_side", "short_side_crop"]
    private static let resizeOptions: [String: Set<String>] = [
        "stretch": ["crop"], "letterbox": ["pad", "to", "crop"], "short_side": ["crop"], "short_side_crop": [],
    ]

    mutating func parseResize(_ node: Node, _ field: String, target: PixelSize) -> ResizeMode {
        guard let mode = resizeChain(node, field) else { return .stretch }
        if let problem = mode.problem(target: target) {
            if let crop = node["crop"] {
                reader.fail("\(field).crop", problem, at: crop)
            } else {
                reader.fail(field, problem, at: node)
            }
        }
        return mode
    }

    private mutating func resizeChain(_ node: Node, _ field: String) -> ResizeMode? {
        let expected = "expected stretch, letterbox, {stretch: [W, H], crop: center}, {short_side: N, crop: center} "
            + "or {short_side_crop: N}"
        if node.scalar != nil, let word = node.string {
            switch word {
            case "stretch": return .stretch
            case "letterbox": return .letterbox(anchor: .center, pad: 0)
            case "short_side_crop": return .shortSideCenterCrop(shortSide: 0)
            default:
                reader.fail(field, "unknown resize '\(word)' (\(expected))", at: node)
                return nil
            }
        }
        guard let mapping = node.mapping else {
            reader.fail(field, "expected a word or a mapping (\(expected))", at: node)
            return nil
        }
        let keys = mapping.compactMap { $0.key.string }
        let kinds = keys.filter { Self.resizeKinds.contains($0) }
        guard kinds.count == 1, let kind = kinds.first, let argument = node[kind] else {
            let message = kinds.isEmpty
                ? "unknown resize '\(keys.first ?? "")' (\(expected))"
                : "one resize step per model, got \(kinds.joined(separator: " and "))"
            reader.fail(field, message, at: node)
            return nil
        }
        reader.rejectUnknownKeys(node, field, allowed: (Self.resizeOptions[kind] ?? []).union([kind]))
        let crop = centerCrop(node["crop"], "\(field).crop")
        switch kind {
        case "stretch":
            guard let size = pixelSize(argument, "\(field).stretch") else { return nil }
            return ResizeMode(.stretch(to: size), centerCrop: crop)
        case "letterbox":
            var anchor = LetterboxAnchor.center
            if let word = reader.string(argument, "\(field).letterbox") {
                if let parsed = LetterboxAnchor(rawValue: word) { anchor = parsed } else {
                    reader.fail("\(field).letterbox", "unknown anchor '\(word)' (expected center or top_left)", at: argument)
                }
            }
            let pad = reader.double(node["pad"], "\(field).pad") ?? 0
            var size: PixelSize?
            if let to = node["to"] {
                guard let parsed = pixelSize(to, "\(field).to") else { return nil }
                size = parsed
            }
            return ResizeMode(.letterbox(anchor: anchor, pad: Float(pad), to: size), centerCrop: crop)
        case "short_side":
            guard let side = reader.int(argument, "\(field).short_side", min: 1) else { return nil }
            return ResizeMode(.shortSide(side), centerCrop: crop)
        default:
            guard let side = reader.int(argument, "\(field).short_side_crop", min: 1) else { return nil }
            return .shortSideCenterCrop(shortSide: side)
        }
    }

    /// `crop: center` (the only crop there is); absent means no crop.
    private mutating func centerCrop(_ node: Node?, _ field: String) -> Bool {
        guard let node, let word = reader.string(node, field) else { return false }
        guard word == "center" else {
            reader.fail(field, "unknown crop '\(word)' (expected center)", at: node)
            return false
        }
        return true
    }

    /// `[W, H]`, whole numbers between 1 and 16384.
    private mutating func pixelSize(_ node: Node, _ field: String) -> PixelSize? {
        guard let values = reader.numbers(node, field, count: 2) else { return nil }
        guard values.allSatisfy({ $0 >= 1 && $0 <= 16384 && $0.rounded() == $0 }) else {
            reader.fail(field, "width and height must be whole numbers between 1 and 16384", at: node)
            return nil
        }
        return PixelSize(width: Int(values[0]), height: Int(values[1]))
    }
}
