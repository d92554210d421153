/// Model variants a pipeline registers (`models.M.variants`) and the one each stage runs (`stages.S.variant`).
extension PipelineSpec {
    /// The variant name that means the model's own `file:`.
    public static let originalVariant = "original"

    /// Problems with the stages' `variant:` choices: a variant the model does not register, or two
    /// stages that share a model but name different variants of it (a model is loaded once).
    func variantIssues() -> [PipelineIssue] {
        var issues: [PipelineIssue] = []
        var chosen: [String: (stage: String, variant: String)] = [:]
        for stage in stages {
            guard let model = model(named: stage.model) else { continue }
            let name = stage.variant ?? Self.originalVariant
            let field = "stages.\(stage.name).variant"
            if name != Self.originalVariant, model.variants[name] == nil {
                let known = ([Self.originalVariant] + model.variants.keys.sorted()).joined(separator: ", ")
                issues.append(PipelineIssue(location: location(of: field), field: field,
                                            message: "stage '\(stage.name)' names unknown variant '\(name)' of model '\(model.name)' (registered: \(known); `framewise optimize` makes and registers variants)"))
                continue
            }
            if let other = chosen[model.name], other.variant != name {
                issues.append(PipelineIssue(location: location(of: field), field: field,
                                            message: "stage '\(stage.name)' runs variant '\(name)' of model '\(model.name)' but stage '\(other.stage)' runs '\(other.variant)'; a model runs one variant"))
            } else {
                chosen[model.name] = (stage.name, name)
            }
        }
        return issues
    }

    /// The spec with each model's `path` set to the file of the variant its stages name
    /// (validated first: every named variant is registered and unambiguous).
    public func resolvingVariants() -> PipelineSpec {
        var copy = self
        for stage in stages {
            guard let name = stage.variant, name != Self.originalVariant,
                  let index = copy.models.firstIndex(where: { $0.name == stage.model }),
                  let file = copy.models[index].variants[name] else { continue }
            copy.models[index].path = file
            copy.models[index].variant = name
        }
        return copy
    }
}
