import FramewiseCore

/// Where one preprocessing pass reads and writes (pure geometry, no FFmpeg).
///
/// The source region (frame pixels, aligned to the chroma grid) is scaled onto the content
/// rectangle of the model input; the rest of the input is padding (letterbox only).
struct PreprocessPlan: Equatable {
    var sourceX: Int, sourceY: Int, sourceWidth: Int, sourceHeight: Int
    var contentX: Int, contentY: Int, contentWidth: Int, contentHeight: Int
    var transform: ImageTransform

    /// Whether padding surrounds the content.
    func hasPadding(width: Int, height: Int) -> Bool { contentWidth != width || contentHeight != height }

    /// Plans the pass for a `frameWidth` x `frameHeight` frame, an optional crop (clamped to the frame),
    /// the spec's resize mode, and a chroma grid of `alignX` x `alignY` pixels (source offsets are
    /// aligned down to it). Nil if the crop lies outside the frame or the target size is not positive.
    init?(frameWidth: Int, frameHeight: Int, crop: Rect?, spec: PreprocessSpec,
          alignX: Int = 1, alignY: Int = 1, rotate180: Bool = false) {
        let target = (w: spec.width, h: spec.height)
        guard target.w > 0, target.h > 0, frameWidth > 0, frameHeight > 0 else { return nil }
        // The region to read, in whole pixels, clamped, origin aligned down to the chroma grid.
        let rect = crop ?? Rect(x: 0, y: 0, width: Double(frameWidth), height: Double(frameHeight))
        guard rect.x.isFinite, rect.y.isFinite, rect.width.isFinite, rect.height.isFinite else { return nil }
        // Both ends snap outward to the chroma grid: an odd-width 4:2:0 region would make libswscale
        // resample its chroma by a factor that is not exactly 2, shifting colour edges.
        let x0 = Self.alignDown(min(max(Int(rect.x.rounded(.down)), 0), frameWidth), alignX)
        let y0 = Self.alignDown(min(max(Int(rect.y.rounded(.down)), 0), frameHeight), alignY)
        let x1 = min(Self.alignUp(Int(max(rect.x + rect.width, 0).rounded(.up)), alignX), frameWidth)
        let y1 = min(Self.alignUp(Int(max(rect.y + rect.height, 0).rounded(.up)), alignY), frameHeight)
        guard x1 - x0 >= 1, y1 - y0 >= 1 else { return nil }
        var source = (x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        var content = (x: 0, y: 0, w: target.w, h: target.h)

        switch spec.resize {
        case .stretch:
            break
        case let .letterbox(anchor, _):
            let s = min(Double(target.w) / Double(source.w), Double(target.h) / Double(source.h))
            content.w = min(target.w, max(1, Int((Double(source.w) * s).rounded())))
            content.h = min(target.h, max(1, Int((Double(source.h) * s).rounded())))
            if anchor == .center {
                content.x = (target.w - content.w) / 2
                content.y = (target.h - content.h) / 2
            }
        case let .shortSideCenterCrop(shortSide):
            // Scaling the short side to `shortSide` then cropping the centre target equals reading the
            // centre target/scale region of the source and scaling it to the target: one pass.
            let side = shortSide > 0 ? shortSide : max(target.w, target.h)
            let s = Double(side) / Double(min(source.w, source.h))
            let w = min(source.w, Self.alignUp(max(1, Int((Double(target.w) / s).rounded())), alignX))
            let h = min(source.h, Self.alignUp(max(1, Int((Double(target.h) / s).rounded())), alignY))
            let x = Self.alignDown(source.x + (source.w - w) / 2, alignX)
            let y = Self.alignDown(source.y + (source.h - h) / 2, alignY)
            source = (x, y, w, h)
        }

        var scaleX = Double(content.w) / Double(source.w)
        var scaleY = Double(content.h) / Double(source.h)
        var offsetX = Double(content.x), offsetY = Double(content.y)
        if rotate180 {
            // The content is turned in place: input x maps to content.x + content.w - (x - content.x).
            scaleX = -scaleX
            scaleY = -scaleY
            offsetX += Double(content.w)
            offsetY += Double(content.h)
        }
        sourceX = source.x; sourceY = source.y; sourceWidth = source.w; sourceHeight = source.h
        contentX = content.x; contentY = content.y; contentWidth = content.w; contentHeight = content.h
        transform = ImageTransform(scaleX: scaleX, scaleY: scaleY, offsetX: offsetX, offsetY: offsetY,
                                   originX: Double(source.x), originY: Double(source.y),
                                   sourceWidth: Double(source.w), sourceHeight: Double(source.h))
    }

    private static func alignDown(_ value: Int, _ grid: Int) -> Int { grid > 1 ? value - value % grid : value }
    private static func alignUp(_ value: Int, _ grid: Int) -> Int { alignDown(value + grid - 1, grid) }
}
