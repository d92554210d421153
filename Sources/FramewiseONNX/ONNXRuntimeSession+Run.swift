import CONNXRuntime
import FramewiseCore

extension ONNXRuntimeSession {
    /// Runs the model on `inputs` (read in place, not copied) and returns every output.
    ///
    /// Inputs are checked against the declared names, element types, ranks and fixed dimensions
    /// before ONNX Runtime is called; a mismatch throws an error naming the model and input.
    /// Blocks until the run completes; safe to call from several threads at once.
    public func run(_ inputs: [String: Tensor]) throws(ONNXRuntimeError) -> [String: Tensor] {
        let ordered = try validate(inputs)
        let api = environment.api

        var values = [OpaquePointer?](repeating: nil, count: ordered.count)
        var results = [OpaquePointer?](repeating: nil, count: outputs.count)
        defer {
            for value in values + results { if let value { api.ReleaseValue(value) } }
        }
        for (index, tensor) in ordered.enumerated() {
            var shape = tensor.shape.map { Int64($0) }
            var value: OpaquePointer?
            let status = api.CreateTensorWithDataAsOrtValue(
                environment.cpuMemoryInfo, tensor.buffer.baseAddress, tensor.byteCount,
                &shape, shape.count, tensor.elementType.onnxValue, &value)
            values[index] = value
            try environment.check(status, "CreateTensorWithDataAsOrtValue(\(self.inputs[index].name))", model: modelName)
        }
        let status = withExtendedLifetime(ordered) {
            api.Run(session, nil, inputNames, values, values.count, outputNames, outputNames.count, &results)
        }
        try environment.check(status, "Run", model: modelName)

        var named: [String: Tensor] = [:]
        for (index, info) in outputs.enumerated() {
            named[info.name] = try copyOutput(results[index], name: info.name)
        }
        return named
    }

    /// Checks `inputs` against the declaration; returns them in declaration order.
    func validate(_ inputs: [String: Tensor]) throws(ONNXRuntimeError) -> [Tensor] {
        let declared = self.inputs.map(\.name)
        for name in inputs.keys.sorted() where !declared.contains(name) {
            throw .unknownInput(model: modelName, input: name, declared: declared)
        }
        var ordered: [Tensor] = []
        ordered.reserveCapacity(self.inputs.count)
        for info in self.inputs {
            guard let tensor = inputs[info.name] else { throw .missingInput(model: modelName, input: info.name) }
            guard tensor.elementType == info.elementType else {
                throw .elementTypeMismatch(model: modelName, input: info.name, expected: info.elementType, actual: tensor.elementType)
            }
            guard tensor.elementType != .string else {
                throw .unsupportedType(model: modelName, tensor: info.name, detail: "string tensors cannot be passed in place")
            }
            let fits = tensor.shape.count == info.shape.count
                && zip(tensor.shape, info.shape).allSatisfy { actual, expected in actual >= 0 && (expected < 0 || actual == expected) }
            guard fits else {
                throw .shapeMismatch(model: modelName, input: info.name, expected: info.shape, actual: tensor.shape)
            }
            ordered.append(tensor)
        }
        return ordered
    }

    /// Copies one ORT output value into a new ``Tensor``.
    private func copyOutput(_ value: OpaquePointer?, name: String) throws(ONNXRuntimeError) -> Tensor {
        let api = environment.api
        guard let value else {
            throw .runtime(call: "Run", model: modelName, code: .fail, message: "no value for output '\(name)'")
        }
        var isTensor: Int32 = 0
        try environment.check(api.IsTensor(value, &isTensor), "IsTensor(\(name))", model: modelName)
        guard isTensor != 0 else {
            throw .unsupportedType(model: modelName, tensor: name, detail: "output is not a dense tensor")
        }
        var info: OpaquePointer?
        try environment.check(api.GetTensorTypeAndShape(value, &info), "GetTensorTypeAndShape(\(name))", model: modelName)
        guard let info else {
            throw .runtime(call: "GetTensorTypeAndShape", model: modelName, code: .fail, message: "no shape for output '\(name)'")
        }
        defer { api.ReleaseTensorTypeAndShapeInfo(info) }
        let (onnxType, shape, _) = try ORTModelDescription.describe(info, api: api, environment: environment, model: modelName)
        guard let elementType = ElementType(onnx: onnxType), elementType != .string else {
            throw .unsupportedType(model: modelName, tensor: name, detail: "output element type \(onnxType)")
        }
        let tensor = Tensor(elementType: elementType, shape: shape)
        guard tensor.byteCount > 0 else { return tensor }
        var data: UnsafeMutableRawPointer?
        try environment.check(api.GetTensorMutableData(value, &data), "GetTensorMutableData(\(name))", model: modelName)
        guard let data else {
            throw .runtime(call: "GetTensorMutableData", model: modelName, code: .fail, message: "no data for output '\(name)'")
        }
        tensor.buffer.baseAddress.copyMemory(from: data, byteCount: tensor.byteCount)
        return tensor
    }
}
