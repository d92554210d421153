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
        if dims[0] > 0 && dims[0] < model.batchLimit {
            throw issue("\(field).batch", "model input \(info) has a fixed batch of \(dims[0]); set batch: \(dims[0]) or export the model with a dynamic batch")
        }
        if info.elementType != pre.elementType {
            throw issue("\(field).preprocess.dtype", "model input \(info) wants \(info.elementType.rawValue), preprocessing gives \(pre.elementType.rawValue)")
        }
        return (info.name, pre)
    }

    /// Every model input is bound to an existing upstream output of a compatible type.
    static func checkTensorBindings(_ bindings: [TensorBinding], stage: StageSpec, session: any InferenceSession,
                                    sessions: [String: any InferenceSession], spec: PipelineSpec, issue: IssueMaker) throws(PipelineError) {
        let field = "stages.\(stage.name).input.tensors"
        for input in session.inputs where !bindings.contains(where: { $0.input == input.name }) {
            throw issue(field, "model input \(input) is not bound (bind it as `\(input.name): STAGE.OUTPUT`)")
        }
        for b in bindings {
            guard let input = session.inputs.first(where: { $0.name == b.input }) else {
                throw issue("\(field).\(b.input)", "model '\(stage.model)' has no input '\(b.input)' (inputs: \(session.inputs.map(\.name).joined(separator: ", ")))")
            }
            guard let up = spec.stage(named: b.stage), let upSession = sessions[up.model] else { continue }
            let output: TensorInfo?
            if let name = b.output { output = upSession.outputs.first { $0.name == name } } else { output = upSession.outputs.first }
            guard let out = output else {
                throw issue("\(field).\(b.input)", "stage '\(b.stage)' has no output '\(b.output ?? "")' (outputs: \(upSession.outputs.map(\.name).joined(separator: ", ")))")
            }
            let perItemOut = Array(out.shape.dropFirst()), perItemIn = Array(input.shape.dropFirst())
            let fixed = !perItemOut.contains { $0 < 0 } && !perItemIn.contains { $0 < 0 }
            if fixed && (perItemOut.reduce(1, *) != perItemIn.reduce(1, *) || perItemOut.count != perItemIn.count) {
                throw issue("\(field).\(b.input)", "output \(out) of stage '\(b.stage)' does not fit input \(input)")
            }
            if input.elementType != .float32 {
                throw issue("\(field).\(b.input)", "input \(input) is \(input.elementType.rawValue); joins pass float32 tensors")
            }
        }
    }
}
