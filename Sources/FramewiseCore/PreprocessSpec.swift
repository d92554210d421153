/// Memory layout of an image tensor.
public enum TensorLayout: String, Sendable, Codable, Equatable {
    case nchw, nhwc
}

/// Channel order the model expects.
public enum ChannelOrder: String, Sendable, Codable, Equatable {
    case rgb, bgr
}

/// Where a letterboxed image sits inside the model's input.
public enum LetterboxAnchor: String, Sendable, Codable, Equatable {
    case center, topLeft = "top_left"
}

/// A width and height in pixels.
public struct PixelSize: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)x\(height)" }
}

/// The first step of a resize chain: how the source region becomes an intermediate image.
public enum ResizeStep: Sendable, Codable, Equatable {
    /// Scale each axis independently to `size` (nil: the model's input size).
    case stretch(to: PixelSize?)
    /// Keep the aspect ratio and fit inside `size` (nil: the model's input size), anchored as given;
    /// the rest is `pad` (in output units, after normalisation).
    case letterbox(anchor: LetterboxAnchor, pad: Float, to: PixelSize?)
    /// Keep the aspect ratio, scaling so the short side is `side` pixels (0: the larger side of the
    /// model's input size).
    case shortSide(Int)
}

/// How a frame (or crop) is brought to the model's input size: a resize step, then optionally the
/// centre of the resized image cropped to the model's size (e.g. open-nsfw: stretch to 256x256, then
/// the centre 224x224). The chain runs as one libswscale pass over the matching source rectangle.
public struct ResizeMode: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The resize.
    public var step: ResizeStep
    /// Whether the centre of the resized image, at the model's size, is what the model gets. Without
    /// it the resize must produce the model's size.
    public var centerCrop: Bool

    public init(_ step: ResizeStep, centerCrop: Bool = false) {
        self.step = step
        self.centerCrop = centerCrop
    }

    /// Scale each axis independently to the model's size.
    public static let stretch = ResizeMode(.stretch(to: nil))

    /// Keep the aspect ratio, fit inside the model's size, pad the rest with `pad`.
    public static func letterbox(anchor: LetterboxAnchor, pad: Float) -> ResizeMode {
        ResizeMode(.letterbox(anchor: anchor, pad: pad, to: nil))
    }

    /// Scale so the short side is `shortSide` (or the larger target side if 0), then crop the centre to the target.
    public static func shortSideCenterCrop(shortSide: Int) -> ResizeMode {
        ResizeMode(.shortSide(shortSide), centerCrop: true)
    }

    /// Stretch to `width` x `height`, then crop the centre to the target.
    public static func stretchCenterCrop(width: Int, height: Int) -> ResizeMode {
        ResizeMode(.stretch(to: PixelSize(width: width, height: height)), centerCrop: true)
    }

    /// Whether the chain letterboxes straight into the model's size (no `to:` size, no centre crop):
    /// what `dynamic_width` needs, since a batch's width then only changes how much is padding.
    public var letterboxesIntoTarget: Bool {
        if case .letterbox(_, _, nil) = step { return !centerCrop }
        return false
    }

    /// The letterbox pad value, when the step letterboxes.
    public var letterboxPad: Float? {
        if case let .letterbox(_, pad, _) = step { return pad }
        return nil
    }

    /// Why this chain cannot produce a `target`-sized image, or nil when it can: without a crop the
    /// resize must produce exactly `target`; with one, the resized image must be at least `target` on
    /// both axes (a short side of N is at least N on both).
    public func problem(target: PixelSize) -> String? {
        let resized: PixelSize, what: String
        switch step {
        case let .stretch(to):
            resized = to ?? target
            what = "stretched"
        case let .letterbox(_, _, to):
            resized = to ?? target
            what = "letterboxed"
        case let .shortSide(side):
            guard side >= 0 else { return "the short side must be positive, got \(side)" }
            let n = side > 0 ? side : max(target.width, target.height)
            guard centerCrop else { return "scaling the short side to \(n) does not give a \(target) image: add crop: center" }
            guard n >= max(target.width, target.height) else {
                return "the centre \(target) crop does not fit in an image whose short side is \(n) "
                    + "(the short side must be at least \(max(target.width, target.height)))"
            }
            return nil
        }
        guard resized.width >= 1, resized.height >= 1 else { return "the \(what) size must be positive, got \(resized)" }
        if centerCrop {
            guard resized.width >= target.width, resized.height >= target.height else {
                return "the centre \(target) crop does not fit in the \(what) \(resized) image (resize to at least \(target))"
            }
        } else if resized != target {
            return "the \(what) \(resized) image is not the model's \(target): add crop: center, or resize to \(target)"
        }
        return nil
    }

    public var description: String {
        let crop = centerCrop ? ", centre crop" : ""
        switch step {
        case let .stretch(to): return "stretch" + (to.map { " to \($0)" } ?? "") + crop
        case let .letterbox(anchor, pad, to):
            return "letterbox \(anchor.rawValue) pad \(pad)" + (to.map { " into \($0)" } ?? "") + crop
        case let .shortSide(side): return "short side \(side)" + crop
        }
    }
}

/// The image preprocessing one model needs, done in one libswscale pass:
/// resize, colour conversion, layout, then `(pixel * scale - mean[c]) / std[c]` per channel,
/// where `pixel` is 0...255 and `mean`/`std` are given in the model's channel order.
public struct PreprocessSpec: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var layout: TensorLayout
    public var channelOrder: ChannelOrder
    /// `.float32` (normalised) or `.uint8` (raw pixels; scale/mean/std ignored).
    public var elementType: ElementType
    public var scale: Float
    public var mean: [Float]
    public var std: [Float]
    public var resize: ResizeMode
    /// Nil: every item is `width` wide. N: a batch is as wide as its widest item letterboxed to the
    /// model's height (aspect kept), rounded up to a multiple of N and at most `width`; narrower
    /// items are padded. A text recogniser then computes over the text, not over padding (PaddleOCR
    /// batches this way). Needs a letterbox resize and a model with a free width axis.
    public var dynamicWidth: Int?
    /// Nil: every item is `height` high. N (with `dynamicWidth`: `preprocess.dynamic_size`): a batch
    /// is as high as its highest item letterboxed into the model's size, rounded up to a multiple of
    /// N and at most `height`. A detector fed whole frames then computes over the frame, not over the
    /// letterbox's padding (a 16:9 frame in a 4:5 canvas is 30% padding). Needs a letterbox resize and
    /// a model with free spatial axes.
    public var dynamicHeight: Int?

    public init(
        width: Int, height: Int, layout: TensorLayout = .nchw, channelOrder: ChannelOrder = .rgb,
        elementType: ElementType = .float32, scale: Float = 1, mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1],
        resize: ResizeMode = .stretch
    ) {
        self.width = width
        self.height = height
        self.layout = layout
        self.channelOrder = channelOrder
        self.elementType = elementType
        self.scale = scale
        self.mean = mean
        self.std = std
        self.resize = resize
    }

    /// The model's input image size.
    public var size: PixelSize { PixelSize(width: width, height: height) }
    /// Shape of one preprocessed image, without the batch dimension.
    public var itemShape: [Int] { layout == .nchw ? [3, height, width] : [height, width, 3] }
    /// Bytes of one preprocessed image.
    public var itemByteCount: Int { 3 * width * height * elementType.byteSize }

    /// The spec one batch runs at, given its items' source sizes (frames or crops, in pixels). Each
    /// item letterboxed into the written size has a scale (the smaller of the two axis ratios) and a
    /// content size; with `dynamicWidth` (`dynamicHeight`) the batch's width (height) becomes the
    /// largest content's, rounded up to the multiple and kept within it..the written size. The axis
    /// that bounds an item's scale stays at the written size, so every item keeps its scale and its
    /// pixels: only the padding shrinks. Without either, the spec itself.
    public func fitted(to sizes: [(width: Double, height: Double)]) -> PreprocessSpec {
        guard dynamicWidth != nil || dynamicHeight != nil else { return self }
        var widest = 1.0, highest = 1.0
        for s in sizes where s.width > 0 && s.height > 0 {
            let scale = min(Double(width) / s.width, Double(height) / s.height)
            widest = max(widest, s.width * scale)
            highest = max(highest, s.height * scale)
        }
        var fitted = self
        fitted.width = batchWidth(needed: widest)
        fitted.height = Self.fit(needed: highest, multiple: dynamicHeight, limit: height)
        fitted.dynamicWidth = nil
        fitted.dynamicHeight = nil
        return fitted
    }

    /// With `dynamicWidth`, the width a batch runs at when `needed` pixels must fit: rounded up to
    /// a multiple of `dynamicWidth`, at least one multiple, at most `width`. Without it, `width`.
    public func batchWidth(needed: Double) -> Int { Self.fit(needed: needed, multiple: dynamicWidth, limit: width) }

    /// With `dynamicHeight`, the height a batch runs at when `needed` pixels must fit (as `batchWidth`).
    public func batchHeight(needed: Double) -> Int { Self.fit(needed: needed, multiple: dynamicHeight, limit: height) }

    /// `needed` rounded up to a multiple of `multiple` (at least one), at most `limit`; `limit` without a multiple.
    static func fit(needed: Double, multiple: Int?, limit: Int) -> Int {
        guard let multiple, multiple > 0 else { return limit }
        // A hair under a whole pixel is that pixel (an item whose scale is bound by this axis lands on `limit` exactly).
        let pixels = Int(min((needed - 1e-6).rounded(.up), Double(limit)))
        return min(limit, max(multiple, (pixels + multiple - 1) / multiple * multiple))
    }
}

/// A rectangle in source-frame pixels.
public struct Rect: Sendable, Codable, Equatable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Maps a point in a model's input back to source-frame pixels:
/// `source = (input - offset) / scale + origin`, per axis.
public struct ImageTransform: Sendable, Equatable {
    public var scaleX: Double
    public var scaleY: Double
    public var offsetX: Double
    public var offsetY: Double
    public var originX: Double
    public var originY: Double
    /// The source region's size (the frame, or the crop), for clamping.
    public var sourceWidth: Double
    public var sourceHeight: Double

    public init(scaleX: Double, scaleY: Double, offsetX: Double = 0, offsetY: Double = 0,
                originX: Double = 0, originY: Double = 0, sourceWidth: Double, sourceHeight: Double) {
        self.scaleX = scaleX
        self.scaleY = scaleY
        self.offsetX = offsetX
        self.offsetY = offsetY
        self.originX = originX
        self.originY = originY
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
    }

    /// The source-frame point for a model-input point, clamped to the source region.
    public func toSource(x: Double, y: Double) -> (x: Double, y: Double) {
        let sx = min(max((x - offsetX) / scaleX, 0), sourceWidth)
        let sy = min(max((y - offsetY) / scaleY, 0), sourceHeight)
        return (sx + originX, sy + originY)
    }
}
