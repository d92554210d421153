import Foundation
import FramewiseCore
import FramewisePlanner

/// The tuned pipeline as YAML: the original file with each choice written in place and commented.
public enum TunedPipelineWriter {
    /// `text` (the pipeline as written, parsed as `spec`) with `plan`'s changes from `reference` in place.
    public static func write(original text: String, spec: PipelineSpec, plan: TunePlan, reference: TunePlan, target: TuneTarget) throws -> String {
        var editor = YAMLTextEditor(text: text)
        if plan.sampling != reference.sampling {
            try editor.set(["sampling"], to: plan.sampling, comment: String(
                format: "tuned from %@: %.3g frames per video, summaries agree %.1f%% on the search videos",
                reference.sampling, plan.framesPerVideo, plan.samplingAgreement * 100))
        }
        for choice in plan.stages {
            guard let stage = spec.stage(named: choice.stage), let model = spec.model(named: stage.model),
                  let before = reference.stage(choice.stage) else { continue }
            let instances = target.rate.map { String(format: ", %d instance(s) at %g videos/s", choice.instances, $0) } ?? ""
            let comment = String(
                format: "tuned: agreement %.3f, %.2f ms/frame worst vs a %.2f ms slack, %.3f core-s/video (was %@ %.3f)%@",
                choice.agreement, choice.latency * 1000, choice.slack * 1000, choice.costPerVideo, before.variant, before.costPerVideo, instances)
            // Each change in place; the first carries the stage's comment (a stage left as written gets none).
            var edits: [(path: [String], value: String, note: String)] = []
            if choice.variant != (stage.variant ?? PipelineSpec.originalVariant) {
                edits.append((["stages", stage.name, "variant"], choice.variant, "was \(stage.variant ?? PipelineSpec.originalVariant)"))
            }
            if choice.batch != model.batchLimit {
                edits.append((["models", model.name, "batch"], String(choice.batch), "was \(model.batchLimit)"))
            }
            if choice.threads != model.resolvedSession.intraOpThreads {
                edits.append((["models", model.name, "threads"], String(choice.threads), "was \(model.resolvedSession.intraOpThreads)"))
            }
            if let size = choice.inputSize, let pre = model.preprocess {
                edits.append((["models", model.name, "preprocess", "size"], "[\(size[0]), \(size[1])]", "was [\(pre.width), \(pre.height)]"))
            }
            if let multiple = choice.dynamicHeight, model.preprocess?.dynamicHeight != multiple {
                edits.append((["models", model.name, "preprocess", "dynamic_size"], String(multiple), "was a fixed size"))
            } else if let multiple = choice.dynamicWidth, model.preprocess?.dynamicWidth != multiple {
                edits.append((["models", model.name, "preprocess", "dynamic_width"], String(multiple),
                              "was " + (model.preprocess?.dynamicWidth.map(String.init) ?? "a fixed width")))
            }
            for (i, edit) in edits.enumerated() {
                try editor.set(edit.path, to: edit.value, comment: i == 0 ? "\(edit.note); \(comment)" : "tuned, \(edit.note)")
            }
        }
        return editor.text
    }
}
