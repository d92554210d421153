import FramewiseCore

/// Where one preprocessing pass reads and writes (pure geometry, no FFmpeg).
///
/// The source region (frame pixels, aligned to the chroma grid) is scaled onto the content
/// rectangle of the model input; the rest of the input is padding (letterbox only).
struct PreprocessPlan: Equatable {
    var sourceX: Int, sourceY: Int, sourceWidth: Int, sourceHeight: Int
    var contentX: Int, contentY: Int, contentWidth: Int, contentHeight: Int
    /// How far the source origin lies past a chroma block boundary (0 on the grid), per axis.
    var chromaOffsetX = 0, chromaOffsetY = 0
    var transform: ImageTransform

    /// Whether padding surrounds the content.
    func hasPadding(width: Int, height: Int) -> Bool { contentWidth != width || contentHeight != height }

    /// Plans the pass for a `frameWidth` x `frameHeight` frame, an optional crop (clamped to the frame),
    /// the spec's resize chain, and a chroma grid of `alignX` x `alignY` pixels (source edges snap
    /// outward to it). Nil if the crop lies outside the frame, the target size is not positive, or the
    /// chain cannot give the target size (see `ResizeMode.problem(target:)`). With `offGrid` (planar
    /// formats whose scaler can be told the chroma position) a resize chain's crop keeps its exact origin.
    init?(frameWidth: Int, frameHeight: Int, crop: Rect?, spec: PreprocessSpec,
          alignX: Int = 1, alignY: Int = 1, offGrid: Bool = false, rotate180: Bool = false) {
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
        let region = (x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        guard let chain = Self.chain(region: region, target: target, resize: spec.resize, alignX: alignX, alignY: alignY,
                                     offGrid: offGrid) else {
            return nil
        }
        let (source, content) = chain

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
        chromaOffsetX = alignX > 1 ? source.x % alignX : 0
        chromaOffsetY = alignY > 1 ? source.y % alignY : 0
        contentX = content.x; contentY = content.y; contentWidth = content.w; contentHeight = content.h
        transform = ImageTransform(scaleX: scaleX, scaleY: scaleY, offsetX: offsetX, offsetY: offsetY,
                                   originX: Double(source.x), originY: Double(source.y),
                                   sourceWidth: Double(source.w), sourceHeight: Double(source.h))
    }

    /// The resize chain on a source region, in one pass: the resize step maps the region onto the content
    /// rectangle of an intermediate canvas; the (optional) centre crop is a target-sized window into that
    /// canvas; what the model sees is content ∩ window. Returns the source pixels that land there
    /// (continuous edges rounded to whole pixels; then, with `offGrid`, the origin kept and the width
    /// rounded up to whole chroma blocks, else both edges snapped outward to the chroma grid, which keeps a
    /// centred rectangle centred) and where they go in the target (the content rectangle).
    ///
    /// E.g. stretch 176x144 to 256x256, then the centre 224x224: the window starts at (16, 16) of the
    /// canvas, i.e. at (11, 9) of the source, 154x126 source pixels (on 4:2:0 too with `offGrid`; snapped,
    /// (10, 8) 156x128).
    static func chain(region: (x: Int, y: Int, w: Int, h: Int), target: (w: Int, h: Int), resize: ResizeMode,
                      alignX: Int, alignY: Int, offGrid: Bool) -> (source: (x: Int, y: Int, w: Int, h: Int), content: (x: Int, y: Int, w: Int, h: Int))? {
        guard resize.problem(target: PixelSize(width: target.w, height: target.h)) == nil else { return nil }
        // The canvas the step draws, and where the region's image sits in it.
        var canvas = (w: target.w, h: target.h)
        var drawn = (x: 0, y: 0, w: target.w, h: target.h)
        switch resize.step {
        case let .stretch(to):
            if let to { canvas = (to.width, to.height) }
            drawn = (0, 0, canvas.w, canvas.h)
        case let .letterbox(anchor, _, to):
            if let to { canvas = (to.width, to.height) }
            let s = min(Double(canvas.w) / Double(region.w), Double(canvas.h) / Double(region.h))
            drawn.w = min(canvas.w, max(1, Int((Double(region.w) * s).rounded())))
            drawn.h = min(canvas.h, max(1, Int((Double(region.h) * s).rounded())))
            if anchor == .center {
                drawn.x = (canvas.w - drawn.w) / 2
                drawn.y = (canvas.h - drawn.h) / 2
            } else {
                drawn.x = 0
                drawn.y = 0
            }
        case let .shortSide(side):
            // The long side as torchvision's Resize(n) sizes it: n * long / short, rounded down.
            let n = side > 0 ? side : max(target.w, target.h)
            let short = min(region.w, region.h)
            canvas = (max(n, n * region.w / short), max(n, n * region.h / short))
            drawn = (0, 0, canvas.w, canvas.h)
        }
        // The target-sized window: the centre of the canvas, or all of it.
        let window = resize.centerCrop ? (x: (canvas.w - target.w) / 2, y: (canvas.h - target.h) / 2) : (x: 0, y: 0)
        guard window.x >= 0, window.y >= 0, canvas.w - window.x >= target.w, canvas.h - window.y >= target.h else { return nil }
        let seen = (x0: max(drawn.x, window.x), y0: max(drawn.y, window.y),
                    x1: min(drawn.x + drawn.w, window.x + target.w), y1: min(drawn.y + drawn.h, window.y + target.h))
        guard seen.x1 > seen.x0, seen.y1 > seen.y0 else { return nil }
        let content = (x: seen.x0 - window.x, y: seen.y0 - window.y, w: seen.x1 - seen.x0, h: seen.y1 - seen.y0)
        if seen.x0 == drawn.x, seen.y0 == drawn.y, seen.x1 == drawn.x + drawn.w, seen.y1 == drawn.y + drawn.h {
            return (region, content)  // all of the region is seen (stretch, letterbox)
        }
        // Canvas -> source, per axis, then whole pixels on the chroma grid, inside the region.
        func sourceSpan(_ a: Int, _ b: Int, drawnStart: Int, drawnSize: Int, start: Int, size: Int, grid: Int, output: Int) -> (Int, Int) {
            let perPixel = Double(size) / Double(drawnSize)
            let lo = Int((Double(start) + Double(a - drawnStart) * perPixel).rounded())
            let hi = Int((Double(start) + Double(b - drawnStart) * perPixel).rounded())
            let x0 = max(alignDown(lo, grid), start)
            let x1 = min(alignUp(max(hi, lo + 1), grid), start + size)
            let snapped = (x0, max(x1, x0 + 1))
            // Off the grid the origin stays exact (the scaler is told where chroma sits) and only the width
            // grows to whole chroma blocks, so chroma scales by exactly the luma factor. Not at 1:1, where
            // libswscale's unscaled converters ignore chroma positions.
            guard offGrid, grid > 1, lo % grid != 0 else { return snapped }
            let width = alignUp(max(hi - lo, 1), grid)
            guard lo >= start, lo + width <= start + size, width != output else { return snapped }
            return (lo, lo + width)
        }
        let (sx0, sx1) = sourceSpan(seen.x0, seen.x1, drawnStart: drawn.x, drawnSize: drawn.w, start: region.x, size: region.w,
                                    grid: alignX, output: content.w)
        let (sy0, sy1) = sourceSpan(seen.y0, seen.y1, drawnStart: drawn.y, drawnSize: drawn.h, start: region.y, size: region.h,
                                    grid: alignY, output: content.h)
        return ((sx0, sy0, sx1 - sx0, sy1 - sy0), content)
    }

    private static func alignDown(_ value: Int, _ grid: Int) -> Int { grid > 1 ? value - value % grid : value }
    private static func alignUp(_ value: Int, _ grid: Int) -> Int { alignDown(value + grid - 1, grid) }
}
