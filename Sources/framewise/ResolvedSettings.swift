import Foundation
import FramewiseCore
import FramewiseRuntime

/// `validate -v`: every setting a loaded pipeline runs with, defaults included, one line each,
/// so what the file leaves out is visible (channels, layout, mean/std, resize, batch, thresholds).
enum ResolvedSettings {
    static func text(_ pipeline: LoadedPipeline) -> String {
        let spec = pipeline.spec
        var lines = ["pipeline \(spec.name)", "  sampling: \(spec.sampling)", "  decode: threads \(spec.decode.threads == 0 ? "auto" : String(spec.decode.threads)), read_ahead \(spec.decode.readAhead)"]
        var seen: Set<String> = []
        for stage in pipeline.stages where seen.insert(stage.model.name).inserted {
            let m = stage.model
            let session = m.resolvedSession
            lines.append("model \(m.name): \(m.path)")
            lines.append("  inputs: " + stage.session.inputs.map(\.description).joined(separator: ", "))
            lines.append("  outputs: " + stage.session.outputs.map(\.description).joined(separator: ", "))
            let preferred = m.batching.preferredSizes.isEmpty ? "any" : m.batching.preferredSizes.map(String.init).joined(separator: ",")
            lines.append("  batch \(m.batchLimit); batching: mode \(m.batching.adaptive ? "adaptive" : "fixed"), max_queue_delay_ms \(number(m.batching.maxQueueDelayMilliseconds)), preferred \(preferred)")
            lines.append("  threads \(session.intraOpThreads == 0 ? "backend default" : String(session.intraOpThreads)) intra-op, \(session.interOpThreads == 0 ? "default" : String(session.interOpThreads)) inter-op; providers \(session.providers.map(provider).joined(separator: ", "))")
            if case let .image(input, pre) = stage.feed {
                lines.append("  preprocess (into \(input)): " + preprocess(pre))
            }
        }
        for stage in pipeline.stages {
            lines.append("stage \(stage.spec.name): model \(stage.model.name), input \(input(stage)), postprocess \(postprocess(stage.spec.postprocess))")
            var paths = stage.spec.postprocess.fieldPaths(modelOutputs: stage.session.outputs.map(\.name))
            if case .crops = stage.spec.input { paths.insert("box", at: 0) }
            lines.append("  fields (summary values): \(paths.joined(separator: ", "))")
        }
        for s in spec.summary {
            lines.append("summary \(s.name): \(s.reduce.rawValue) of \(s.stage).\(s.value.isEmpty ? "<item>" : s.value)")
        }
        return lines.joined(separator: "\n")
    }

    static func preprocess(_ p: PreprocessSpec) -> String {
        let mean = p.mean.map { number(Double($0)) }.joined(separator: ", ")
        let std = p.std.map { number(Double($0)) }.joined(separator: ", ")
        return "size [\(p.width), \(p.height)], layout \(p.layout.rawValue), channels \(p.channelOrder.rawValue), dtype \(p.elementType.rawValue), "
            + "scale \(number(Double(p.scale))), mean [\(mean)], std [\(std)], resize \(p.resize)"
    }

    static func input(_ stage: LoadedStage) -> String {
        switch stage.spec.input {
        case .frame: return "frame"
        case let .crops(c):
            return "crops of \(c.stage)" + (c.orient.map { " oriented by \($0)" } ?? "") + ", padding \(number(c.padding)), max \(c.maxPerFrame) per frame"
        case .tensors:
            guard case let .tensors(bindings) = stage.feed else { return "tensors" }
            return bindings.map { b in
                b.isConcat ? "\(b.input) = concat(\(b.sources.map(\.description).joined(separator: ", ")), axis \(b.axis))"
                           : "\(b.input) = \(b.sources.map(\.description).joined())"
            }.joined(separator: "; ")
        }
    }

    static func postprocess(_ p: PostprocessSpec) -> String {
        switch p {
        case let .raw(s):
            return "raw (outputs \(s.outputs.isEmpty ? "all" : s.outputs.joined(separator: ", ")), max_values \(s.maxValues))"
        case let .classify(s):
            return "classify (labels \(s.labels.isEmpty ? "none: indices" : "[\(s.labels.joined(separator: ", "))]"), top_k \(s.topK), softmax \(s.softmax), output \(s.output ?? "first"))"
        case let .centerFace(s), let .yolo(s):
            return "\(p.kind) (threshold \(number(Double(s.threshold))), nms \(number(Double(s.nms))), max_boxes \(s.maxBoxes)"
                + (s.labels.isEmpty ? ")" : ", labels [\(s.labels.joined(separator: ", "))])")
        case let .textBoxes(s):
            return "text_boxes (threshold \(number(Double(s.threshold))), box_threshold \(number(Double(s.boxThreshold))), unclip \(number(Double(s.unclip))), min_size \(s.minSize), max_boxes \(s.maxBoxes))"
        case let .ctc(s):
            let chars = s.characters.map { "\($0.count) given" } ?? "from metadata '\(s.metadataKey)'"
            return "ctc (characters \(chars), blank \(s.blank), append_space \(s.appendSpace))"
        }
    }

    static func provider(_ p: ExecutionProvider) -> String {
        switch p {
        case .cpu: "cpu"
        case let .cuda(id): "cuda:\(id)"
        case let .tensorRT(id): "tensorrt:\(id)"
        }
    }

    /// Up to 6 significant digits, without a trailing `.0`.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%.6g", x)
    }
}
