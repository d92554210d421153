import Foundation
import Yams

/// Builds the spec value types from YAML nodes, reporting issues through a `YAMLReader`.
struct SpecParser {
    var reader: YAMLReader
    let baseDirectory: String

    mutating func parsePipeline(_ root: Node, defaultName: String) -> PipelineSpec {
        reader.rejectUnknownKeys(root, "", allowed: ["name", "sampling", "decode", "models", "stages", "summary"])
        _ = reader.entries(root, "")
        let name = reader.string(root["name"], "name") ?? defaultName
        let sampling = root["sampling"].map { parseSampling($0, "sampling") } ?? .everyFrame
        let decode = root["decode"].map { parseDecode($0, "decode") } ?? DecodeSpec()
        var models: [ModelSpec] = []
        if let node = root["models"] {
            for (key, value) in reader.entries(node, "models") {
                if let model = parseModel(key, value, "models.\(key)") { models.append(model) }
            }
        } else {
            reader.fail("models", "missing required field", at: root)
        }
        var stages: [StageSpec] = []
        if let node = root["stages"] {
            for (key, value) in reader.entries(node, "stages") {
                if let stage = parseStage(key, value, "stages.\(key)") { stages.append(stage) }
            }
        } else {
            reader.fail("stages", "missing required field", at: root)
        }
        var summary: [SummarySpec] = []
        if let node = root["summary"] {
            for (key, value) in reader.entries(node, "summary") {
                if let item = parseSummary(key, value, "summary.\(key)") { summary.append(item) }
            }
        }
        return PipelineSpec(name: name, file: reader.file, sampling: sampling, decode: decode, models: models,
                            stages: stages, summary: summary, locations: reader.locations)
    }

    mutating func parseSampling(_ node: Node, _ field: String) -> SamplingPolicy {
        guard let (kind, arg) = reader.variant(node, field) else { return .everyFrame }
        switch kind {
        case "every_frame", "all": return .everyFrame
        case "keyframes": return .keyframes
        case "fps":
            guard let v = reader.double(arg, "\(field).fps"), v > 0 else {
                reader.fail("\(field).fps", "must be a positive number of frames per second", at: arg ?? node)
                return .everyFrame
            }
            return .fps(v)
        case "every":
            guard let v = reader.int(arg, "\(field).every", min: 1) else {
                if arg == nil { reader.fail("\(field).every", "expected {every: N}", at: node) }
                return .everyFrame
            }
            return .everyNth(v)
        case "uniform":
            guard let v = reader.int(arg, "\(field).uniform", min: 1) else {
                if arg == nil { reader.fail("\(field).uniform", "expected {uniform: K}", at: node) }
                return .everyFrame
            }
            return .uniform(v)
        default:
            reader.fail(field, "unknown sampling '\(kind)' (expected every_frame, keyframes, {fps: N}, {every: N} or {uniform: K})", at: node)
            return .everyFrame
        }
    }

    mutating func parseDecode(_ node: Node, _ field: String) -> DecodeSpec {
        reader.rejectUnknownKeys(node, field, allowed: ["threads", "read_ahead"])
        var spec = DecodeSpec()
        if let t = reader.int(node["threads"], "\(field).threads", min: 0) { spec.threads = t }
        if let r = reader.int(node["read_ahead"], "\(field).read_ahead", min: 1) { spec.readAhead = r }
        return spec
    }

    mutating func parseModel(_ name: String, _ node: Node, _ field: String) -> ModelSpec? {
        reader.rejectUnknownKeys(node, field, allowed: ["file", "input", "batch", "threads", "providers", "preprocess", "batching", "variants"])
        _ = reader.entries(node, field)
        guard let file = reader.string(node["file"], "\(field).file", required: true) else {
            if node["file"] == nil { reader.fail("\(field).file", "missing required field", at: node) }
            return nil
        }
        let path = resolvePath(file, base: baseDirectory)
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) || isDir.boolValue {
            reader.fail("\(field).file", "model file not found: \(path)", at: node["file"])
        }
        var model = ModelSpec(name: name, path: path)
        model.inputName = reader.string(node["input"], "\(field).input")
        if let b = reader.int(node["batch"], "\(field).batch", min: 1) { model.batchLimit = b }
        if let t = reader.int(node["threads"], "\(field).threads", min: 0) { model.session.intraOpThreads = t }
        if let p = node["providers"] { model.session.providers = parseProviders(p, "\(field).providers") }
        if let p = node["preprocess"] { model.preprocess = parsePreprocess(p, "\(field).preprocess") }
        if let b = node["batching"] { model.batching = parseBatching(b, "\(field).batching") }
        if let v = node["variants"] { model.variants = parseVariants(v, "\(field).variants") }
        return model
    }

    /// `variants: {int8: model.int8.onnx, ...}`: each file resolved and checked like `file:`.
    mutating func parseVariants(_ node: Node, _ field: String) -> [String: String] {
        guard node.mapping != nil else {
            reader.fail(field, "expected a mapping of variant name to file, e.g. {int8: model.int8.onnx}", at: node)
            return [:]
        }
        var out: [String: String] = [:]
        for (name, value) in reader.entries(node, field) {
            guard let file = reader.string(value, "\(field).\(name)", required: true) else { continue }
            let path = resolvePath(file, base: baseDirectory)
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) || isDir.boolValue {
                reader.fail("\(field).\(name)", "variant file not found: \(path)", at: value)
            }
            out[name] = path
        }
        return out
    }

    mutating func parseProviders(_ node: Node, _ field: String) -> [ExecutionProvider] {
        guard let seq = node.sequence else {
            reader.fail(field, "expected a list such as [cuda, cpu]", at: node)
            return [.cpu]
        }
        var out: [ExecutionProvider] = []
        for item in seq {
            guard let (kind, arg) = reader.variant(item, field) else { continue }
            let device = arg.flatMap { reader.int($0, "\(field).\(kind)", min: 0) } ?? 0
            switch kind {
            case "cpu": out.append(.cpu)
            case "cuda": out.append(.cuda(deviceID: device))
            case "tensorrt": out.append(.tensorRT(deviceID: device))
            default: reader.fail(field, "unknown execution provider '\(kind)' (expected cpu, cuda or tensorrt)", at: item)
            }
        }
        return out
    }

    mutating func parseBatching(_ node: Node, _ field: String) -> BatchingSpec {
        reader.rejectUnknownKeys(node, field, allowed: ["max_queue_delay_ms", "mode", "preferred"])
        var spec = BatchingSpec()
        if let d = reader.double(node["max_queue_delay_ms"], "\(field).max_queue_delay_ms") {
            if d < 0 { reader.fail("\(field).max_queue_delay_ms", "must not be negative", at: node["max_queue_delay_ms"]) } else { spec.maxQueueDelayMilliseconds = d }
        }
        if let mode = reader.string(node["mode"], "\(field).mode") {
            switch mode {
            case "adaptive": spec.adaptive = true
            case "fixed": spec.adaptive = false
            default: reader.fail("\(field).mode", "unknown batching mode '\(mode)' (expected adaptive or fixed)", at: node["mode"])
            }
        }
        if let sizes = reader.numbers(node["preferred"], "\(field).preferred") {
            if sizes.contains(where: { $0 < 1 || $0 != $0.rounded() }) {
                reader.fail("\(field).preferred", "batch sizes must be whole numbers of at least 1", at: node["preferred"])
            } else {
                spec.preferredSizes = sizes.map { Int($0) }
            }
        }
        return spec
    }
}
