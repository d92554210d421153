import FramewiseCore

/// A stage's post-processing, built once from its spec and the model's metadata.
public enum Head: Sendable {
    case raw(RawHead)
    case classify(ClassifyHead)
    case centerFace(CenterFaceHead)
    case yolo(YOLOHead)
    case textBoxes(TextBoxHead)
    case ctc(CTCHead)

    /// Builds the head for `spec`; `metadata` is the model's custom metadata (CTC character lists).
    public init(spec: PostprocessSpec, metadata: [String: String]) throws(PostprocessError) {
        switch spec {
        case let .raw(s): self = .raw(RawHead(spec: s))
        case let .classify(s): self = .classify(ClassifyHead(spec: s))
        case let .centerFace(s): self = .centerFace(CenterFaceHead(spec: s))
        case let .yolo(s): self = .yolo(YOLOHead(spec: s))
        case let .textBoxes(s): self = .textBoxes(TextBoxHead(spec: s))
        case let .ctc(s): self = .ctc(try CTCHead(spec: s, metadata: metadata))
        }
    }

    /// Post-processes one item; `transform` maps model-input pixels to frame pixels.
    public func apply(_ item: ItemOutputs, transform: ImageTransform?) throws(PostprocessError) -> HeadResult {
        let t = transform ?? ImageTransform(scaleX: 1, scaleY: 1, sourceWidth: .infinity, sourceHeight: .infinity)
        switch self {
        case let .raw(h): return h.apply(item)
        case let .classify(h): return try h.apply(item)
        case let .centerFace(h): return try h.apply(item, transform: t)
        case let .yolo(h): return try h.apply(item, transform: t)
        case let .textBoxes(h): return try h.apply(item, transform: t)
        case let .ctc(h): return try h.apply(item)
        }
    }
}
