import FramewiseCore
import FramewisePostprocess
import Logging

/// Runs every stage's model once at load on a dummy batch (zeros for images; for joins, what
/// the upstream models returned), in dependency order, and applies its head: what `run` would
/// hit on every video (a size the model's layers cannot take, a join of the wrong shape, a head
/// that does not fit the outputs) is found before any video is read. For an image size the model
/// rejects, it looks for the nearest size that runs and names it.
public enum PipelineProbe {
    /// Sizes are tried as multiples of these, nearest first.
    static let multiples = [2, 4, 8, 16, 32, 64, 128]
    /// ONNX Runtime's own message for a failed probe goes here (shown with `--verbose`).
    static let logger = Logger(label: "framewise.probe")

    /// Every problem found, each naming the stage or model field; ONNX Runtime's own error log is
    /// held back while the probe runs (`backend`).
    public static func check(_ pipeline: LoadedPipeline, backend: (any InferenceBackend)? = nil) throws(PipelineError) {
        let issues: [PipelineIssue]
        if let backend {
            issues = backend.withErrorLogMuted { Self.issues(pipeline) }
        } else {
            issues = Self.issues(pipeline)
        }
        guard issues.isEmpty else { throw PipelineError(file: pipeline.spec.file, issues: issues) }
    }

    static func issues(_ pipeline: LoadedPipeline) -> [PipelineIssue] {
        let spec = pipeline.spec
        var issues: [PipelineIssue] = []
        func fail(_ field: String, _ message: String) {
            // Stages sharing a model fail alike: said once.
            guard !issues.contains(where: { $0.field == field && $0.message == message }) else { return }
            issues.append(PipelineIssue(location: spec.location(of: field), field: field, message: message))
        }
        var outputs: [String: ItemOutputs] = [:]
        for stage in pipeline.levels.flatMap({ $0 }) {
            let name = stage.spec.name
            let batch = max(1, stage.session.inputs.first.map { $0.shape.first ?? -1 } ?? 1)
            var inputs: [String: Tensor] = [:]
            switch stage.feed {
            case let .image(input, pre):
                inputs[input] = Tensor(elementType: pre.elementType, shape: [batch] + pre.itemShape)
            case let .tensors(bindings):
                var ready = true
                for b in bindings {
                    let parts = b.sources.compactMap { s in outputs[s.stage]?.output(s.output).map { (shape: $0.shape, values: $0.values) } }
                    // An upstream stage that failed is reported already.
                    guard parts.count == b.sources.count else { ready = false; break }
                    do {
                        let item = try TensorJoin.joined(parts, binding: b)
                        inputs[b.input] = try Tensor.float32(shape: [batch] + item.shape, values: Array([[Float]](repeating: item.values, count: batch).joined()))
                    } catch {
                        fail(b.field(stage: name), "\(error)")
                        ready = false
                    }
                }
                guard ready else { continue }
            }
            let raw: [String: Tensor]
            do {
                raw = try stage.session.run(inputs)
            } catch {
                if case let .image(input, pre) = stage.feed {
                    logger.info("stage \(name) on a \(pre.width)x\(pre.height) image: \(error)")
                    fail("models.\(stage.model.name).preprocess.size", imageMessage(stage, input: input, pre: pre, batch: batch))
                    continue
                }
                let shapes = inputs.keys.sorted().map { "\($0) [\(inputs[$0]?.shape.map(String.init).joined(separator: ",") ?? "")]" }
                fail("stages.\(name).input", "model '\(stage.model.name)' fails on a dummy batch (\(shapes.joined(separator: ", "))): \(error)")
                continue
            }
            let ordered = stage.session.outputs.compactMap { info in raw[info.name].map { (name: info.name, tensor: $0) } }
            guard let first = ItemOutputs.split(ordered, batch: batch).first else { continue }
            do {
                _ = try stage.head.apply(first, transform: nil)
            } catch {
                fail("stages.\(name).postprocess", "the model's outputs (\(first.tensors.map { "\($0.name) \($0.shape)" }.joined(separator: ", "))) do not fit: \(error)")
                continue
            }
            outputs[name] = first
        }
        return issues
    }

    /// Why an image of `pre`'s size does not run, and the nearest size that does.
    static func imageMessage(_ stage: LoadedStage, input: String, pre: PreprocessSpec, batch: Int) -> String {
        let what = "stage '\(stage.spec.name)': model '\(stage.model.name)' cannot run on \(pre.width)x\(pre.height) images"
        let declared = stage.session.inputs.first { $0.name == input }?.shape ?? []
        let spatial = pre.layout == .nchw ? [2, 3] : [1, 2]
        guard declared.count == 4, spatial.contains(where: { declared[$0] < 0 }) else {
            return what + " (ONNX Runtime rejects the batch; run with --verbose for its message)"
        }
        func runs(_ w: Int, _ h: Int) -> Bool {
            var s = pre
            s.width = w
            s.height = h
            return (try? stage.session.run([input: Tensor(elementType: s.elementType, shape: [batch] + s.itemShape)])) != nil
        }
        for m in multiples {
            let w = max(m, Int((Double(pre.width) / Double(m)).rounded()) * m)
            let h = max(m, Int((Double(pre.height) / Double(m)).rounded()) * m)
            // Two sizes a step apart must run before "multiples of m" is said.
            if runs(w, h), runs(w + m, h + m) {
                return what + ": its layers need a width and height that are multiples of \(m); use size: [\(w), \(h)]"
            }
        }
        return what + " (no nearby size runs either; run with --verbose for ONNX Runtime's message)"
    }
}
