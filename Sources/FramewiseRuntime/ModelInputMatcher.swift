import FramewiseCore

/// Checks at load time that what a stage feeds matches what its model declares, and derives
/// the preprocessing size from a model's fixed input when the pipeline leaves it out.
enum ModelInputMatcher {
    typealias IssueMaker = (String, String) -> PipelineError

    /// The image input's name and the preprocessing that fills it.
    static func imageInput(model: ModelSpec, session: any InferenceSession, issue: IssueMaker) throws(PipelineError) -> (String, PreprocessSpec) {
        let field = "models.\(model.name)"
        let info: TensorInfo
        if let name = model.inputName {
            guard let found = session.inputs.first(where: { $0.name == name }) else {
                throw issue("\(field).input", "model has no input '\(name)' (inputs: \(session.inputs.map(\.description).joined(separator: ", ")))")
            }
            info = found
        } else {
            guard session.inputs.count == 1, let only = session.inputs.first else {
                throw issue("\(field).input", "model has \(session.inputs.count) inputs (\(session.inputs.map(\.description).joined(separator: ", "))); name the image input with `input:`")
            }
            info = only
        }
        guard info.shape.count == 4 else {
            throw issue("\(field).input", "input \(info) is not an image batch [N,C,H,W] or [N,H,W,C]")
        }
        guard info.elementType == .float32 || info.elementType == .uint8 else {
            throw issue("\(field).input", "input \(info) has element type \(info.elementType.rawValue); images feed float32 or uint8")
        }
        let dims = info.shape
        var pre: PreprocessSpec
        if let given = model.preprocess {
            pre = given
        } else {
            // Derive from fixed dims: [N,3,H,W] or [N,H,W,3].
            if dims[1] == 3, dims[2] > 0, dims[3] > 0 {
                pre = PreprocessSpec(width: dims[3], height: dims[2], layout: .nchw)
            } else if dims[3] == 3, dims[1] > 0, dims[2] > 0 {
                pre = PreprocessSpec(width: dims[2], height: dims[1], layout: .nhwc)
            } else {
                throw issue("\(field).preprocess", "input \(info) has no fixed image size; set preprocess.size [width, height]")
            }
            pre.elementType = info.elementType
        }
        let expected = [-1] + pre.itemShape
        for (axis, (declared, produced)) in zip(dims, expected).enumerated() where axis > 0 && declared >= 0 && declared != produced {
            throw issue("\(field).preprocess", "model input \(info) does not accept \(pre.layout.rawValue.uppercased()) \(pre.width)x\(pre.height) images: axis \(axis) is \(declared), preprocessing gives \(produced)")
        }
        if pre.dynamicHeight != nil, dims[pre.layout == .nchw ? 2 : 1] > 0 || dims[pre.layout == .nchw ? 3 : 2] > 0 {
            throw issue("\(field).preprocess.dynamic_size", "model input \(info) has a fixed height or width; dynamic_size needs free spatial axes")
        }
        if pre.dynamicWidth != nil, dims[pre.layout == .nchw ? 3 : 2] > 0 {
            throw issue("\(field).preprocess.dynamic_width", "model input \(info) has a fixed width; dynamic_width needs a free width axis")
        }
        if dims[0] > 0 && dims[0] < model.batchLimit {
            throw issue("\(field).batch", "model input \(info) has a fixed batch of \(dims[0]); set batch: \(dims[0]) or export the model with a dynamic batch")
        }
        if info.elementType != pre.elementType {
            throw issue("\(field).preprocess.dtype", "model input \(info) wants \(info.elementType.rawValue), preprocessing gives \(pre.elementType.rawValue)")
        }
        return (info.name, pre)
    }

    /// Every model input is bound to existing upstream outputs of a compatible type and shape;
    /// returns the bindings with a whole-input `concat` given the model's input name.
    static func checkTensorBindings(_ bindings: [TensorBinding], stage: StageSpec, model: ModelSpec, session: any InferenceSession,
                                    sessions: [String: any InferenceSession], spec: PipelineSpec,
                                    issue: IssueMaker) throws(PipelineError) -> [TensorBinding] {
        let field = "stages.\(stage.name).input.tensors"
        var resolved: [TensorBinding] = []
        for var b in bindings {
            if b.input.isEmpty {
                if let name = model.inputName {
                    b.input = name
                } else if session.inputs.count == 1, let only = session.inputs.first {
                    b.input = only.name
                } else {
                    throw issue(b.field(stage: stage.name), "model '\(model.name)' has \(session.inputs.count) inputs (\(session.inputs.map(\.description).joined(separator: ", "))); "
                                + "bind each with `tensors: {INPUT: STAGE.OUTPUT}` or `{INPUT: {concat: [...], axis: N}}`")
                }
            }
            resolved.append(b)
        }
        for input in session.inputs where !resolved.contains(where: { $0.input == input.name }) {
            throw issue(field, "model input \(input) is not bound (bind it as `\(input.name): STAGE.OUTPUT`)")
        }
        for (written, b) in zip(bindings, resolved) {
            let at = written.field(stage: stage.name)
            guard let input = session.inputs.first(where: { $0.name == b.input }) else {
                throw issue(at, "model '\(stage.model)' has no input '\(b.input)' (inputs: \(session.inputs.map(\.name).joined(separator: ", ")))")
            }
            if input.elementType != .float32 {
                throw issue(at, "input \(input) is \(input.elementType.rawValue); joins pass float32 tensors")
            }
            var parts: [(source: TensorSource, info: TensorInfo)] = []
            for source in b.sources {
                guard let up = spec.stage(named: source.stage), let upSession = sessions[up.model] else { continue }
                let output: TensorInfo?
                if let name = source.output { output = upSession.outputs.first { $0.name == name } } else { output = upSession.outputs.first }
                guard let out = output else {
                    throw issue(at, "stage '\(source.stage)' has no output '\(source.output ?? "")' (outputs: \(upSession.outputs.map(\.name).joined(separator: ", ")))")
                }
                parts.append((source, out))
            }
            guard parts.count == b.sources.count else { continue }
            if b.isConcat {
                try checkConcat(parts, axis: b.axis, into: input, at: at, issue: issue)
            } else if let (source, out) = parts.first {
                let perItemOut = Array(out.shape.dropFirst()), perItemIn = Array(input.shape.dropFirst())
                let fixed = !perItemOut.contains { $0 < 0 } && !perItemIn.contains { $0 < 0 }
                if fixed && (perItemOut.reduce(1, *) != perItemIn.reduce(1, *) || perItemOut.count != perItemIn.count) {
                    throw issue(at, "output \(out) of stage '\(source.stage)' does not fit input \(input)")
                }
            }
        }
        return resolved
    }

    /// The declared upstream shapes concatenate along `axis` into the model input's declared shape
    /// (dynamic dims, `?`, match anything; the batch axis is never compared).
    static func checkConcat(_ parts: [(source: TensorSource, info: TensorInfo)], axis: Int, into input: TensorInfo, at field: String,
                            issue: IssueMaker) throws(PipelineError) {
        let rank = input.shape.count
        let list = parts.map { "\($0.source) \(shapeText($0.info.shape))" }.joined(separator: ", ")
        for part in parts where part.info.shape.count != rank {
            throw issue(field, "\(part.source) is \(shapeText(part.info.shape)) and model input \(input) has rank \(rank): concat joins tensors of the input's rank (\(list))")
        }
        let a = axis < 0 ? axis + rank : axis
        guard a >= 1, a < rank else {
            throw issue("\(field.hasSuffix(".concat") ? String(field.dropLast(7)) : field).axis",
                        "axis \(axis) is outside the model input \(input): concatenate along 1...\(rank - 1) (0 is the batch axis)")
        }
        var joined = parts[0].info.shape
        joined[0] = -1
        for part in parts.dropFirst() {
            for d in 1..<rank where d != a {
                let x = joined[d], y = part.info.shape[d]
                if x >= 0, y >= 0, x != y {
                    throw issue(field, "cannot concatenate along axis \(axis): \(parts[0].source) and \(part.source) differ on axis \(d) (\(list))")
                }
                if x < 0 { joined[d] = y }
            }
            joined[a] = joined[a] >= 0 && part.info.shape[a] >= 0 ? joined[a] + part.info.shape[a] : -1
        }
        for d in 1..<rank where joined[d] >= 0 && input.shape[d] >= 0 && joined[d] != input.shape[d] {
            throw issue(field, "concatenating \(list) along axis \(axis) gives \(shapeText(joined)), and model input \(input) wants \(input.shape[d]) on axis \(d)")
        }
    }

    /// `[N,128]`: a shape with the batch axis as N and dynamic dims as `?`.
    static func shapeText(_ shape: [Int]) -> String {
        "[" + shape.enumerated().map { $0.offset == 0 ? "N" : ($0.element < 0 ? "?" : String($0.element)) }.joined(separator: ",") + "]"
    }
}
