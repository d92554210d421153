/// What turns a model's output tensors into a frame's result.
public enum PostprocessSpec: Sendable, Equatable {
    /// The output tensors themselves, as arrays of numbers.
    case raw(RawSpec)
    /// Classification: optional softmax, then top-k with labels.
    case classify(ClassifySpec)
    /// CenterFace heatmap/scale/offset decoding with NMS.
    case centerFace(DetectionSpec)
    /// YOLO-style [B, 4 + classes, N] box decoding with NMS.
    case yolo(DetectionSpec)
    /// DB text detection: probability map to text boxes.
    case textBoxes(TextBoxSpec)
    /// CTC greedy decoding of a [B, T, C] sequence into text.
    case ctc(CTCSpec)

    /// Whether this head produces boxes that a crop stage can consume.
    public var producesBoxes: Bool {
        switch self {
        case .centerFace, .yolo, .textBoxes: true
        default: false
        }
    }

    /// The head's name as written in YAML.
    public var kind: String {
        switch self {
        case .raw: "raw"
        case .classify: "classify"
        case .centerFace: "centerface"
        case .yolo: "yolo"
        case .textBoxes: "text_boxes"
        case .ctc: "ctc"
        }
    }
}

/// Options of the raw head.
public struct RawSpec: Sendable, Equatable {
    /// Output names to include (empty: all).
    public var outputs: [String]
    /// Longest array written per output (longer ones are summarised by their shape).
    public var maxValues: Int
    public init(outputs: [String] = [], maxValues: Int = 4096) {
        self.outputs = outputs
        self.maxValues = maxValues
    }
}

/// Options of the classification head.
public struct ClassifySpec: Sendable, Equatable {
    public var labels: [String]
    public var topK: Int
    /// Apply softmax to the logits first (off for models that already output probabilities).
    public var softmax: Bool
    /// Output to read (nil: the first).
    public var output: String?
    public init(labels: [String] = [], topK: Int = 5, softmax: Bool = false, output: String? = nil) {
        self.labels = labels
        self.topK = topK
        self.softmax = softmax
        self.output = output
    }
}

/// Options of box-decoding heads.
public struct DetectionSpec: Sendable, Equatable {
    /// Minimum score of a box.
    public var threshold: Float
    /// IoU above which the weaker of two boxes is dropped.
    public var nms: Float
    /// Class names (YOLO).
    public var labels: [String]
    /// At most this many boxes per item.
    public var maxBoxes: Int
    public init(threshold: Float = 0.5, nms: Float = 0.3, labels: [String] = [], maxBoxes: Int = 100) {
        self.threshold = threshold
        self.nms = nms
        self.labels = labels
        self.maxBoxes = maxBoxes
    }
}

/// Options of the DB text-box head.
public struct TextBoxSpec: Sendable, Equatable {
    /// Probability above which a pixel is text.
    public var threshold: Float
    /// Minimum mean probability inside a box.
    public var boxThreshold: Float
    /// How much a box is grown (DB "unclip" ratio).
    public var unclip: Float
    /// Smallest box side in model pixels.
    public var minSize: Int
    public var maxBoxes: Int
    public init(threshold: Float = 0.3, boxThreshold: Float = 0.5, unclip: Float = 1.6, minSize: Int = 3, maxBoxes: Int = 100) {
        self.threshold = threshold
        self.boxThreshold = boxThreshold
        self.unclip = unclip
        self.minSize = minSize
        self.maxBoxes = maxBoxes
    }
}

/// Options of the CTC head.
public struct CTCSpec: Sendable, Equatable {
    /// Characters for classes 1...; nil: read from the model metadata key `metadataKey`.
    public var characters: [String]?
    public var metadataKey: String
    /// Index of the blank class.
    public var blank: Int
    /// Append a space as the last class (PaddleOCR's use_space_char).
    public var appendSpace: Bool
    /// A line whose score is below this reads as no text ("", its score kept), as PaddleOCR's
    /// `drop_score` drops it (0.5 there); 0: every line is kept.
    public var minScore: Float
    public init(characters: [String]? = nil, metadataKey: String = "character", blank: Int = 0, appendSpace: Bool = true,
                minScore: Float = 0) {
        self.characters = characters
        self.metadataKey = metadataKey
        self.blank = blank
        self.appendSpace = appendSpace
        self.minScore = minScore
    }
}
