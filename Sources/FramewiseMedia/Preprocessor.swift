import CFFmpeg
import FramewiseCore

/// Turns decoded frames (or crops of them) into one model's input tensor layout in a single libswscale
/// pass: resize, colour conversion and de-interleaving at once, then the affine normalisation in place.
///
/// Not `Sendable`: it caches libswscale contexts and scratch memory; use one per thread.
/// Unspecified colour spaces are treated as BT.601, as FFmpeg does; tagged ones (BT.709, ...) are honoured.
public final class Preprocessor {
    /// What the model expects.
    public let spec: PreprocessSpec
    let scalers = ScalerCache()
    /// Float planes for NHWC float output before interleaving.
    var scratch: UnsafeMutableRawPointer?
    var scratchBytes = 0
    /// A full frame converted to RGB24, for pixel formats whose planes cannot be offset to a crop.
    var converted: UnsafeMutablePointer<AVFrame>?

    /// Creates a preprocessor for `spec`. Invalid specs are reported by `process`.
    public init(spec: PreprocessSpec) {
        self.spec = spec
    }

    deinit {
        scratch?.deallocate()
        av_frame_free(&converted)
    }

    /// Writes exactly `spec.itemByteCount` bytes for `frame` (or the `crop` of it, in frame pixels, clamped)
    /// into `destination`, in the spec's layout, channel order and element type. `rotate180` turns the
    /// written image (not the padding) upside down, for upside-down text. Returns the transform that maps
    /// model-input coordinates back to frame pixels.
    @discardableResult
    public func process(_ frame: VideoFrame, crop: Rect? = nil, rotate180: Bool = false,
                        into destination: UnsafeMutableRawPointer) throws(MediaError) -> ImageTransform {
        let path = frame.videoPath
        try validateSpec(path: path)
        var source = SourceImage(frame.avFrame)
        guard source.isReadable else {
            throw MediaError(.unsupportedFormat, path: path, message: "cannot read pixel format \(frame.pixelFormatName)")
        }
        var grid = source.grid
        if crop != nil || spec.resize != .stretch, !grid.offsettable {
            source = try convertedToRGB(source, path: path)
            grid = source.grid
        }
        guard let plan = PreprocessPlan(frameWidth: source.width, frameHeight: source.height, crop: crop, spec: spec,
                                        alignX: grid.x, alignY: grid.y, offGrid: source.allowsOffGridOrigin,
                                        rotate180: rotate180) else {
            throw MediaError(.preprocessFailed, path: path, message: "crop \(String(describing: crop)) is outside the "
                             + "\(source.width)x\(source.height) frame or the target size is empty")
        }
        let region = source.offset(x: plan.sourceX, y: plan.sourceY)
        try scale(region, plan: plan, into: destination, path: path)
        fillPadding(plan, destination)
        if rotate180 { rotateContent(plan, destination) }
        return plan.transform
    }

    private func validateSpec(path: String) throws(MediaError) {
        guard spec.width > 0, spec.height > 0 else {
            throw MediaError(.unsupportedFormat, path: path, message: "target size \(spec.width)x\(spec.height)")
        }
        if let problem = spec.resize.problem(target: spec.size) {
            throw MediaError(.unsupportedFormat, path: path, message: "resize \(spec.resize): \(problem)")
        }
        guard spec.elementType == .float32 || spec.elementType == .uint8 else {
            throw MediaError(.unsupportedFormat, path: path, message: "element type \(spec.elementType) (float32 or uint8 only)")
        }
        guard spec.elementType == .uint8 || (spec.mean.count == 3 && spec.std.count == 3 && !spec.std.contains(0)) else {
            throw MediaError(.unsupportedFormat, path: path, message: "mean and std need 3 values, std non-zero")
        }
    }
}
