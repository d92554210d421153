import FramewiseCore
import FramewisePostprocess

/// A pipeline with every model loaded and checked against its stages: image inputs match the
/// preprocessing, tensor joins match the upstream outputs, heads are built. Built once per run;
/// every problem is a `PipelineError` naming the field, raised before any video is read.
public final class LoadedPipeline: Sendable {
    public let spec: PipelineSpec
    /// Stages in dependency levels; stages of one level may run concurrently.
    public let levels: [[LoadedStage]]
    /// All stages in declaration order.
    public let stages: [LoadedStage]

    /// Loads each model once (stages sharing a model share its session) and checks the DAG against them.
    public init(spec: PipelineSpec, backend: any InferenceBackend) throws(PipelineError) {
        self.spec = spec
        var issues: [PipelineIssue] = []
        var sessions: [String: any InferenceSession] = [:]
        for model in spec.models where spec.stages.contains(where: { $0.model == model.name }) {
            do {
                sessions[model.name] = try backend.loadSession(path: model.path, name: model.name, options: model.resolvedSession)
            } catch {
                issues.append(PipelineIssue(location: spec.location(of: "models.\(model.name).file"), field: "models.\(model.name).file",
                                            message: "cannot load model: \(error)"))
            }
        }
        var loaded: [String: LoadedStage] = [:]
        for stage in spec.stages {
            guard let model = spec.model(named: stage.model), let session = sessions[model.name] else { continue }
            do {
                loaded[stage.name] = try LoadedStage(stage: stage, model: model, session: session, spec: spec, upstream: loaded, sessions: sessions)
            } catch {
                issues += error.issues
            }
        }
        issues += Self.summaryIssues(spec, loaded: loaded)
        guard issues.isEmpty else { throw PipelineError(file: spec.file, issues: issues) }
        self.stages = spec.stages.compactMap { loaded[$0.name] }
        self.levels = spec.stageLevels.map { level in level.compactMap { loaded[$0.name] } }
    }
}

extension LoadedPipeline {
    /// Summary `value` paths that the stage's head never writes (they would reduce to null).
    static func summaryIssues(_ spec: PipelineSpec, loaded: [String: LoadedStage]) -> [PipelineIssue] {
        spec.summary.compactMap { item -> PipelineIssue? in
            guard !item.value.isEmpty, let stage = loaded[item.stage] else { return nil }
            var paths = stage.spec.postprocess.fieldPaths(modelOutputs: stage.session.outputs.map(\.name))
            if case .crops = stage.spec.input { paths.insert("box", at: 0) }
            guard !paths.contains(item.value) else { return nil }
            let field = "summary.\(item.name).value"
            return PipelineIssue(location: spec.location(of: field), field: field,
                                 message: "stage '\(item.stage)' (\(stage.spec.postprocess.kind)) writes no '\(item.value)'; its fields: \(paths.joined(separator: ", "))")
        }
    }
}

/// One stage ready to run: its session, what feeds the model, and its head.
public struct LoadedStage: Sendable {
    /// How the model's input is produced.
    public enum Feed: Sendable {
        /// Preprocessed frames or crops into the named input.
        case image(input: String, spec: PreprocessSpec)
        /// Upstream stages' output tensors into the model's inputs (every input name resolved).
        case tensors([TensorBinding])
    }

    public let spec: StageSpec
    public let model: ModelSpec
    public let session: any InferenceSession
    public let feed: Feed
    public let head: Head

    init(stage: StageSpec, model: ModelSpec, session: any InferenceSession, spec: PipelineSpec,
         upstream: [String: LoadedStage], sessions: [String: any InferenceSession]) throws(PipelineError) {
        self.spec = stage
        self.model = model
        self.session = session
        func issue(_ field: String, _ message: String) -> PipelineError {
            PipelineError(file: spec.file, issues: [PipelineIssue(location: spec.location(of: field), field: field, message: message)])
        }
        switch stage.input {
        case .frame, .crops:
            let (input, pre) = try ModelInputMatcher.imageInput(model: model, session: session, issue: issue)
            feed = .image(input: input, spec: pre)
        case let .tensors(bindings):
            feed = .tensors(try ModelInputMatcher.checkTensorBindings(bindings, stage: stage, model: model, session: session,
                                                                      sessions: sessions, spec: spec, issue: issue))
        }
        do {
            head = try Head(spec: stage.postprocess, metadata: session.metadata)
        } catch {
            throw issue("stages.\(stage.name).postprocess", error.description)
        }
    }
}
