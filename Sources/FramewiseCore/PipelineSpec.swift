/// A whole pipeline as written in its YAML file, after parsing and validation:
/// how frames are sampled, which models exist, and the stages that form a DAG over them.
public struct PipelineSpec: Sendable {
    /// Name of the pipeline (defaults to the file's base name).
    public var name: String
    /// Path of the YAML file it came from (empty when built in code).
    public var file: String
    /// Which decoded frames are kept.
    public var sampling: SamplingPolicy
    /// Decoder settings.
    public var decode: DecodeSpec
    /// Models by declaration order.
    public var models: [ModelSpec]
    /// Stages by declaration order (validated to form a DAG).
    public var stages: [StageSpec]
    /// Per-video aggregations over frames.
    public var summary: [SummarySpec]
    /// Where each field was written, keyed by its dotted path (e.g. `models.nsfw.file`).
    public var locations: [String: FileLocation]

    public init(name: String, file: String = "", sampling: SamplingPolicy = .everyFrame, decode: DecodeSpec = DecodeSpec(),
                models: [ModelSpec], stages: [StageSpec], summary: [SummarySpec] = [], locations: [String: FileLocation] = [:]) {
        self.name = name
        self.file = file
        self.sampling = sampling
        self.decode = decode
        self.models = models
        self.stages = stages
        self.summary = summary
        self.locations = locations
    }

    /// The model called `name`.
    public func model(named name: String) -> ModelSpec? { models.first { $0.name == name } }
    /// The stage called `name`.
    public func stage(named name: String) -> StageSpec? { stages.first { $0.name == name } }

    /// Where `field` was written, falling back to its closest written parent, then to the file.
    public func location(of field: String) -> FileLocation {
        var key = field
        while !key.isEmpty {
            if let loc = locations[key] { return loc }
            guard let dot = key.lastIndex(of: ".") else { break }
            key = String(key[..<dot])
        }
        return FileLocation(file: file, line: 0, column: 0)
    }
}

/// Where in a pipeline file something was written.
public struct FileLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}

/// Decoder settings of a pipeline.
public struct DecodeSpec: Sendable, Equatable {
    /// Decoder threads per video (0: automatic, from the cores and the videos in flight).
    public var threads: Int
    /// Sampled frames decoded ahead of inference per video.
    public var readAhead: Int
    public init(threads: Int = 0, readAhead: Int = 16) {
        self.threads = threads
        self.readAhead = readAhead
    }
}

/// One model file and how to feed it.
public struct ModelSpec: Sendable, Equatable {
    public var name: String
    /// Absolute path of the ONNX file.
    public var path: String
    /// The model input that receives images (nil: the model's only input).
    public var inputName: String?
    /// Image preprocessing (nil for models fed by other stages' tensors, or to derive from the model's fixed input).
    public var preprocess: PreprocessSpec?
    /// Largest batch the model is run with.
    public var batchLimit: Int
    /// Session options (threads, execution providers).
    public var session: SessionOptions
    /// How batches form across frames and videos.
    public var batching: BatchingSpec = BatchingSpec()
    /// Registered variants of the model (`framewise optimize` writes them): name -> absolute path.
    public var variants: [String: String] = [:]
    /// The variant the pipeline runs (named by a stage's `variant:`); `path` is then its file.
    public var variant: String?
    /// The model file as written under `file:` (the reference the variants are measured against).
    public var originalPath: String = ""

    /// The session options the engine runs the model with. `threads: 0` on CPU means one intra-op
    /// thread: on CPU a worker is one core running one batch at a time, and the engine runs as
    /// many batches at once as it has worker threads (two sessions that each took every core
    /// would oversubscribe the machine). On GPUs the backend's default stays.
    public var resolvedSession: SessionOptions {
        var options = session
        if options.intraOpThreads == 0, options.providers.allSatisfy({ $0 == .cpu }) { options.intraOpThreads = 1 }
        return options
    }

    public init(name: String, path: String, inputName: String? = nil, preprocess: PreprocessSpec? = nil,
                batchLimit: Int = 8, session: SessionOptions = SessionOptions()) {
        self.name = name
        self.path = path
        self.inputName = inputName
        self.preprocess = preprocess
        self.batchLimit = batchLimit
        self.session = session
        self.originalPath = path
    }
}

/// How a model's batches form: Triton's dynamic batcher knobs plus an adaptive mode.
public struct BatchingSpec: Sendable, Equatable {
    /// Longest a partly filled batch waits for more requests while an instance is free.
    public var maxQueueDelayMilliseconds: Double
    /// Also fire early when waiting would not raise throughput (learned batch latency and arrival rate).
    public var adaptive: Bool
    /// Batch sizes the model runs best at (empty: any).
    public var preferredSizes: [Int]
    public init(maxQueueDelayMilliseconds: Double = 5, adaptive: Bool = true, preferredSizes: [Int] = []) {
        self.maxQueueDelayMilliseconds = maxQueueDelayMilliseconds
        self.adaptive = adaptive
        self.preferredSizes = preferredSizes
    }
}

/// One node of the DAG: a model applied to the frame, to crops, or to other stages' outputs.
public struct StageSpec: Sendable, Equatable {
    public var name: String
    /// Name of the model this stage runs.
    public var model: String
    public var input: StageInput
    public var postprocess: PostprocessSpec
    /// The model variant this stage runs (one of the model's registered `variants:`; nil: the original).
    public var variant: String?

    public init(name: String, model: String, input: StageInput = .frame, postprocess: PostprocessSpec = .raw(RawSpec()),
                variant: String? = nil) {
        self.name = name
        self.model = model
        self.input = input
        self.postprocess = postprocess
        self.variant = variant
    }

    /// Names of the stages this stage reads from.
    public var dependencies: [String] {
        switch input {
        case .frame: []
        case let .crops(source): [source.stage] + (source.orient.map { [$0] } ?? [])
        case let .tensors(bindings): bindings.flatMap(\.stages)
        }
    }
}

/// What a stage consumes.
public enum StageInput: Sendable, Equatable {
    /// The sampled frame, preprocessed for the stage's model.
    case frame
    /// One item per box that another stage detected in the frame (fan-out).
    case crops(CropSource)
    /// Output tensors of other stages, bound to the model's inputs (joins), each as it is or
    /// several concatenated into one.
    case tensors([TensorBinding])
}

/// Crops from a detector stage's boxes, optionally turned upright by an orientation stage on the same crops.
public struct CropSource: Sendable, Equatable {
    /// The stage whose boxes are cropped.
    public var stage: String
    /// A classification stage on the same crops whose top label "180" flips a crop before this stage.
    public var orient: String?
    /// Extra margin around each box, as a fraction of its height.
    public var padding: Double
    /// At most this many crops per frame (highest scores first).
    public var maxPerFrame: Int

    public init(stage: String, orient: String? = nil, padding: Double = 0, maxPerFrame: Int = 64) {
        self.stage = stage
        self.orient = orient
        self.padding = padding
        self.maxPerFrame = maxPerFrame
    }
}

/// A model input fed by output tensors of other stages: one tensor as it is, or several
/// concatenated along an axis (`{concat: [left.features, right.features], axis: 1}`).
public struct TensorBinding: Sendable, Equatable {
    /// The model's input name; empty for a `concat` written as the stage's whole input (the
    /// model's only input, or `models.NAME.input`, resolved at load).
    public var input: String
    /// The upstream outputs; several are concatenated along `axis`.
    public var sources: [TensorSource]
    /// Axis of the model input (0 is the batch axis; negative counts from the end) along which
    /// `sources` are concatenated. Unused with one source.
    public var axis: Int

    /// One upstream output bound as it is.
    public init(input: String, stage: String, output: String? = nil) {
        self.input = input
        self.sources = [TensorSource(stage: stage, output: output)]
        self.axis = 1
    }

    /// Upstream outputs concatenated along `axis` into one input.
    public init(input: String, concat sources: [TensorSource], axis: Int) {
        self.input = input
        self.sources = sources
        self.axis = axis
    }

    /// Whether the sources are concatenated (written as `concat`).
    public var isConcat: Bool { sources.count > 1 }

    /// The stages this input reads.
    public var stages: [String] { sources.map(\.stage) }

    /// The dotted field this binding was written at within stage `stage`.
    public func field(stage: String) -> String {
        input.isEmpty ? "stages.\(stage).input.concat"
            : "stages.\(stage).input.tensors.\(input)" + (isConcat ? ".concat" : "")
    }
}

/// One upstream output tensor: a stage and its model's output (nil: the first).
public struct TensorSource: Sendable, Equatable, CustomStringConvertible {
    /// The stage that produces the tensor.
    public var stage: String
    /// That stage model's output name (nil: its first output).
    public var output: String?

    public init(stage: String, output: String? = nil) {
        self.stage = stage
        self.output = output
    }

    /// `stage.output` as written in the pipeline file.
    public var description: String { output.map { "\(stage).\($0)" } ?? stage }
}

/// A per-video aggregation: reduce one value of one stage's output over all frames.
public struct SummarySpec: Sendable, Equatable {
    public var name: String
    public var stage: String
    /// Dotted path into the stage's per-frame output (e.g. `scores.nsfw`, `count`, `text`).
    public var value: String
    public var reduce: Reduction

    public init(name: String, stage: String, value: String, reduce: Reduction) {
        self.name = name
        self.stage = stage
        self.value = value
        self.reduce = reduce
    }
}

/// How frame values become one summary value.
public enum Reduction: String, Sendable, Equatable, CaseIterable {
    case max, min, mean, sum
    /// Number of values.
    case count
    /// Number of frames whose value is non-zero (e.g. frames with faces).
    case countNonzero = "count_nonzero"
    /// Distinct values in order of first appearance (e.g. texts read).
    case unique
}
