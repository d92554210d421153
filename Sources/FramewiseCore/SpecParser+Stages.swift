import Foundation
import Yams

extension SpecParser {
    mutating func parseStage(_ name: String, _ node: Node, _ field: String) -> StageSpec? {
        reader.rejectUnknownKeys(node, field, allowed: ["model", "input", "postprocess", "variant"])
        _ = reader.entries(node, field)
        guard let model = reader.string(node["model"], "\(field).model") else {
            if node["model"] == nil { reader.fail("\(field).model", "missing required field", at: node) }
            return nil
        }
        let input = node["input"].map { parseInput($0, "\(field).input") } ?? .frame
        let post = node["postprocess"].map { parsePostprocess($0, "\(field).postprocess") } ?? .raw(RawSpec())
        let variant = reader.string(node["variant"], "\(field).variant")
        return StageSpec(name: name, model: model, input: input, postprocess: post, variant: variant)
    }

    mutating func parseInput(_ node: Node, _ field: String) -> StageInput {
        // A mapping is recognised by its key (`crops` or `tensors`) wherever it is written.
        if let known = ["crops", "tensors", "concat"].first(where: { node[$0] != nil }) {
            return parseInput(kind: known, arg: node[known], node, field)
        }
        guard let (kind, arg) = reader.variant(node, field) else { return .frame }
        return parseInput(kind: kind, arg: arg, node, field)
    }

    private mutating func parseInput(kind: String, arg: Node?, _ node: Node, _ field: String) -> StageInput {
        switch kind {
        case "frame": return .frame
        case "crops":
            reader.rejectUnknownKeys(node, field, allowed: ["crops", "orient", "padding", "max"])
            guard let from = reader.string(arg, "\(field).crops") else { return .frame }
            var source = CropSource(stage: from)
            source.orient = reader.string(node["orient"], "\(field).orient")
            if let p = reader.double(node["padding"], "\(field).padding") { source.padding = p }
            if let m = reader.int(node["max"], "\(field).max", min: 1) { source.maxPerFrame = m }
            return .crops(source)
        case "tensors":
            guard let arg else { return .frame }
            var bindings: [TensorBinding] = []
            for (input, value) in reader.entries(arg, "\(field).tensors") {
                let f = "\(field).tensors.\(input)"
                if value.mapping != nil {
                    guard let binding = parseConcat(value, input: input, f) else { continue }
                    bindings.append(binding)
                    continue
                }
                guard let ref = reader.string(value, f) else { continue }
                let source = Self.tensorSource(ref)
                bindings.append(TensorBinding(input: input, stage: source.stage, output: source.output))
            }
            if bindings.isEmpty { reader.fail("\(field).tensors", "expected at least one input: stage.output", at: arg) }
            return .tensors(bindings)
        case "concat":
            return parseConcat(node, input: "", field).map { .tensors([$0]) } ?? .frame
        default:
            reader.fail(field, "unknown input '\(kind)' (expected frame, {crops: STAGE}, {tensors: {INPUT: STAGE.OUTPUT}} or {concat: [STAGE.OUTPUT, ...], axis: N})", at: node)
            return .frame
        }
    }

    /// `{concat: [STAGE.OUTPUT, ...], axis: N}`: upstream outputs concatenated along axis N of the
    /// model input (0 is the batch axis; default 1).
    private mutating func parseConcat(_ node: Node, input: String, _ field: String) -> TensorBinding? {
        reader.rejectUnknownKeys(node, field, allowed: ["concat", "axis"])
        guard let refs = reader.strings(node["concat"], "\(field).concat") else {
            if node["concat"] == nil { reader.fail("\(field).concat", "missing required field (a list of STAGE.OUTPUT)", at: node) }
            return nil
        }
        guard refs.count >= 2 else {
            reader.fail("\(field).concat", "concatenates at least two tensors, got \(refs.count) (bind one as `INPUT: STAGE.OUTPUT`)", at: node["concat"])
            return nil
        }
        let axis = reader.int(node["axis"], "\(field).axis", min: Int.min) ?? 1
        if axis == 0 { reader.fail("\(field).axis", "axis 0 is the batch axis; concatenate along 1 or later (negative counts from the end)", at: node["axis"]) }
        return TensorBinding(input: input, concat: refs.map(Self.tensorSource), axis: axis)
    }

    /// `stage` or `stage.output`.
    static func tensorSource(_ ref: String) -> TensorSource {
        let parts = ref.split(separator: ".", maxSplits: 1).map(String.init)
        return TensorSource(stage: parts.first ?? ref, output: parts.count > 1 ? parts[1] : nil)
    }

    mutating func parsePostprocess(_ node: Node, _ field: String) -> PostprocessSpec {
        guard let (kind, arg) = reader.variant(node, field) else { return .raw(RawSpec()) }
        let f = "\(field).\(kind)"
        let options = arg?.mapping != nil ? arg : nil
        switch kind {
        case "raw":
            var spec = RawSpec()
            if let o = options {
                reader.rejectUnknownKeys(o, f, allowed: ["outputs", "max_values"])
                spec.outputs = reader.strings(o["outputs"], "\(f).outputs") ?? []
                if let m = reader.int(o["max_values"], "\(f).max_values", min: 1) { spec.maxValues = m }
            }
            return .raw(spec)
        case "classify":
            var spec = ClassifySpec()
            if let o = options {
                reader.rejectUnknownKeys(o, f, allowed: ["labels", "labels_file", "top_k", "softmax", "output"])
                spec.labels = reader.strings(o["labels"], "\(f).labels") ?? []
                if let file = reader.string(o["labels_file"], "\(f).labels_file") {
                    let path = resolvePath(file, base: baseDirectory)
                    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                        spec.labels = text.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }
                    } else {
                        reader.fail("\(f).labels_file", "cannot read labels file \(path)", at: o["labels_file"])
                    }
                }
                if let k = reader.int(o["top_k"], "\(f).top_k", min: 1) { spec.topK = k }
                if let s = reader.bool(o["softmax"], "\(f).softmax") { spec.softmax = s }
                spec.output = reader.string(o["output"], "\(f).output")
            }
            return .classify(spec)
        case "centerface", "yolo":
            var spec = DetectionSpec(threshold: kind == "yolo" ? 0.25 : 0.5, nms: kind == "yolo" ? 0.45 : 0.3)
            if let o = options {
                reader.rejectUnknownKeys(o, f, allowed: ["threshold", "nms", "labels", "max_boxes"])
                if let t = reader.double(o["threshold"], "\(f).threshold") { spec.threshold = Float(t) }
                if let n = reader.double(o["nms"], "\(f).nms") { spec.nms = Float(n) }
                spec.labels = reader.strings(o["labels"], "\(f).labels") ?? []
                if let m = reader.int(o["max_boxes"], "\(f).max_boxes", min: 1) { spec.maxBoxes = m }
            }
            return kind == "yolo" ? .yolo(spec) : .centerFace(spec)
        case "text_boxes":
            var spec = TextBoxSpec()
            if let o = options {
                reader.rejectUnknownKeys(o, f, allowed: ["threshold", "box_threshold", "unclip", "min_size", "max_boxes"])
                if let t = reader.double(o["threshold"], "\(f).threshold") { spec.threshold = Float(t) }
                if let t = reader.double(o["box_threshold"], "\(f).box_threshold") { spec.boxThreshold = Float(t) }
                if let u = reader.double(o["unclip"], "\(f).unclip") { spec.unclip = Float(u) }
                if let m = reader.int(o["min_size"], "\(f).min_size", min: 1) { spec.minSize = m }
                if let m = reader.int(o["max_boxes"], "\(f).max_boxes", min: 1) { spec.maxBoxes = m }
            }
            return .textBoxes(spec)
        case "ctc":
            var spec = CTCSpec()
            if let o = options {
                reader.rejectUnknownKeys(o, f, allowed: ["characters", "metadata_key", "blank", "append_space", "min_score"])
                spec.characters = reader.strings(o["characters"], "\(f).characters")
                if let k = reader.string(o["metadata_key"], "\(f).metadata_key") { spec.metadataKey = k }
                if let b = reader.int(o["blank"], "\(f).blank", min: 0) { spec.blank = b }
                if let s = reader.bool(o["append_space"], "\(f).append_space") { spec.appendSpace = s }
                if let m = reader.double(o["min_score"], "\(f).min_score") {
                    if (0...1).contains(m) { spec.minScore = Float(m) } else {
                        reader.fail("\(f).min_score", "must be within 0...1 (a line's mean character probability), got \(m)", at: o["min_score"])
                    }
                }
            }
            return .ctc(spec)
        default:
            reader.fail(field, "unknown postprocess '\(kind)' (expected raw, classify, centerface, yolo, text_boxes or ctc)", at: node)
            return .raw(RawSpec())
        }
    }

    mutating func parseSummary(_ name: String, _ node: Node, _ field: String) -> SummarySpec? {
        reader.rejectUnknownKeys(node, field, allowed: ["stage", "value", "reduce"])
        _ = reader.entries(node, field)
        guard let stage = reader.string(node["stage"], "\(field).stage") else {
            if node["stage"] == nil { reader.fail("\(field).stage", "missing required field", at: node) }
            return nil
        }
        let value = reader.string(node["value"], "\(field).value") ?? ""
        let word = reader.string(node["reduce"], "\(field).reduce") ?? "max"
        guard let reduce = Reduction(rawValue: word) else {
            let all = Reduction.allCases.map(\.rawValue).joined(separator: ", ")
            reader.fail("\(field).reduce", "unknown reduction '\(word)' (expected one of: \(all))", at: node["reduce"])
            return nil
        }
        return SummarySpec(name: name, stage: stage, value: value, reduce: reduce)
    }
}
