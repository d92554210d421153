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

/// How a frame (or crop) is brought to the model's input size.
public enum ResizeMode: Sendable, Codable, Equatable {
    /// Scale each axis independently to the target size.
    case stretch
    /// Keep the aspect ratio, fit inside the target, pad the rest with `pad` (in output units, after normalisation).
    case letterbox(anchor: LetterboxAnchor, pad: Float)
    /// Scale so the short side is `shortSide` (or the larger target side if 0), then crop the centre to the target.
    case shortSideCenterCrop(shortSide: Int)
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

    /// Shape of one preprocessed image, without the batch dimension.
    public var itemShape: [Int] { layout == .nchw ? [3, height, width] : [height, width, 3] }
    /// Bytes of one preprocessed image.
    public var itemByteCount: Int { 3 * width * height * elementType.byteSize }
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
