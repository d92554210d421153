import FramewiseCore

extension PipelineSpec {
    /// The spec with model `name` run as a tuning candidate runs it: a registered variant's file, an
    /// input size `[width, height]`, a dynamic width (multiples of N up to the width) and height,
    /// intra-op threads; nil leaves that as written.
    func runningModel(_ name: String, variant: String, inputSize: [Int]? = nil, dynamicWidth: Int? = nil, dynamicHeight: Int? = nil,
                      threads: Int? = nil) throws -> PipelineSpec {
        guard let index = models.firstIndex(where: { $0.name == name }) else { throw OptimizeError("no model '\(name)' in the pipeline") }
        var spec = self
        if variant != Self.originalVariant {
            guard let file = spec.models[index].variants[variant] else { throw OptimizeError("model '\(name)' has no variant '\(variant)'") }
            spec.models[index].path = file
            spec.models[index].variant = variant
        }
        if let size = inputSize, size.count == 2 {
            spec.models[index].preprocess?.width = size[0]
            spec.models[index].preprocess?.height = size[1]
        }
        if let dynamicWidth { spec.models[index].preprocess?.dynamicWidth = dynamicWidth }
        if let dynamicHeight { spec.models[index].preprocess?.dynamicHeight = dynamicHeight }
        if let threads { spec.models[index].session.intraOpThreads = threads }
        return spec
    }
}
