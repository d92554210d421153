import FramewiseCore

/// Writes output tensors as arrays of numbers (their shape instead when longer than `maxValues`).
public struct RawHead: Sendable {
    public let spec: RawSpec
    public init(spec: RawSpec) { self.spec = spec }

    public func apply(_ item: ItemOutputs) -> HeadResult {
        let chosen = spec.outputs.isEmpty ? item.tensors : item.tensors.filter { spec.outputs.contains($0.name) }
        let fields = chosen.map { t -> JSONField in
            if t.values.count <= spec.maxValues {
                return JSONField(t.name, .array(t.values.map { .number(Double($0)) }))
            }
            return JSONField(t.name, .object(["shape": .array(t.shape.map { .number(Double($0)) })]))
        }
        return HeadResult(json: .object(fields))
    }
}
