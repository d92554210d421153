import Yams

extension SpecParser {
    mutating func parsePreprocess(_ node: Node, _ field: String) -> PreprocessSpec? {
        reader.rejectUnknownKeys(node, field, allowed: ["size", "layout", "channels", "dtype", "scale", "mean", "std", "resize", "dynamic_width", "dynamic_size"])
        _ = reader.entries(node, field)
        guard let size = reader.numbers(node["size"], "\(field).size", count: 2) else {
            if node["size"] == nil { reader.fail("\(field).size", "missing required field [width, height]", at: node) }
            return nil
        }
        guard size[0] >= 1, size[1] >= 1, size[0] <= 16384, size[1] <= 16384 else {
            reader.fail("\(field).size", "width and height must be between 1 and 16384", at: node["size"])
            return nil
        }
        var spec = PreprocessSpec(width: Int(size[0]), height: Int(size[1]))
        if let layout = reader.string(node["layout"], "\(field).layout") {
            if let l = TensorLayout(rawValue: layout.lowercased()) { spec.layout = l } else {
                reader.fail("\(field).layout", "unknown layout '\(layout)' (expected nchw or nhwc)", at: node["layout"])
            }
        }
        if let channels = reader.string(node["channels"], "\(field).channels") {
            if let c = ChannelOrder(rawValue: channels.lowercased()) { spec.channelOrder = c } else {
                reader.fail("\(field).channels", "unknown channel order '\(channels)' (expected rgb or bgr)", at: node["channels"])
            }
        }
        if let dtype = reader.string(node["dtype"], "\(field).dtype") {
            switch dtype {
            case "float32", "float": spec.elementType = .float32
            case "uint8": spec.elementType = .uint8
            default: reader.fail("\(field).dtype", "unsupported dtype '\(dtype)' (expected float32 or uint8)", at: node["dtype"])
            }
        }
        if let s = reader.double(node["scale"], "\(field).scale") { spec.scale = Float(s) }
        if let m = reader.numbers(node["mean"], "\(field).mean") {
            if let v = perChannel(m, "\(field).mean", node["mean"]) { spec.mean = v }
        }
        if let s = reader.numbers(node["std"], "\(field).std") {
            if s.contains(0) {
                reader.fail("\(field).std", "std must not contain 0", at: node["std"])
            } else if let v = perChannel(s, "\(field).std", node["std"]) {
                spec.std = v
            }
        }
        if let r = node["resize"] { spec.resize = parseResize(r, "\(field).resize", target: spec.size) }
        if let multiple = reader.int(node["dynamic_width"], "\(field).dynamic_width", min: 1) {
            if spec.resize.letterboxesIntoTarget {
                spec.dynamicWidth = multiple
            } else {
                reader.fail("\(field).dynamic_width", "a batch's width can follow its items only when they are letterboxed into the model's size "
                            + "(resize: {letterbox: ...}), not with \(spec.resize)", at: node["dynamic_width"])
            }
        }
        if let multiple = reader.int(node["dynamic_size"], "\(field).dynamic_size", min: 1) {
            if node["dynamic_width"] != nil {
                reader.fail("\(field).dynamic_size", "give dynamic_size (both axes) or dynamic_width (the width only), not both", at: node["dynamic_size"])
            } else if spec.resize.letterboxesIntoTarget {
                spec.dynamicWidth = multiple
                spec.dynamicHeight = multiple
            } else {
                reader.fail("\(field).dynamic_size", "a batch's size can follow its items only when they are letterboxed into the model's size "
                            + "(resize: {letterbox: ...}), not with \(spec.resize)", at: node["dynamic_size"])
            }
        }
        return spec
    }

    private mutating func perChannel(_ values: [Double], _ field: String, _ node: Node?) -> [Float]? {
        switch values.count {
        case 1: return Array(repeating: Float(values[0]), count: 3)
        case 3: return values.map { Float($0) }
        default:
            reader.fail(field, "expected 1 or 3 numbers, got \(values.count)", at: node)
            return nil
        }
    }
}
