@testable import FramewiseMedia
import FramewiseCore
import Testing

/// The resize chain's geometry (resize step, then centre crop, as one source rectangle scaled once),
/// on cases computed by hand, and the transform that takes model-input points back to frame pixels.
@Suite struct ResizeChainPlanTests {
    static func plan(_ width: Int, _ height: Int, _ resize: ResizeMode, target: Int = 224, crop: Rect? = nil,
                     grid: Int = 1, offGrid: Bool = false, rotate180: Bool = false) -> PreprocessPlan? {
        PreprocessPlan(frameWidth: width, frameHeight: height, crop: crop, spec: PreprocessSpec(width: target, height: target, resize: resize),
                       alignX: grid, alignY: grid, offGrid: offGrid, rotate180: rotate180)
    }

    static func source(_ p: PreprocessPlan) -> [Int] { [p.sourceX, p.sourceY, p.sourceWidth, p.sourceHeight] }
    static func content(_ p: PreprocessPlan) -> [Int] { [p.contentX, p.contentY, p.contentWidth, p.contentHeight] }

    /// open-nsfw on QCIF: 176x144 stretched to 256x256 is 16/11 wider and 16/9 taller; the centre 224x224
    /// starts 16 px in, i.e. at (16 * 176/256, 16 * 144/256) = (11, 9) and spans 224 * 176/256 = 154 by
    /// 224 * 144/256 = 126 source pixels.
    @Test func stretchThenCentreCrop() throws {
        let p = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 256, height: 256)))
        #expect(Self.source(p) == [11, 9, 154, 126])
        #expect(Self.content(p) == [0, 0, 224, 224])
        let t = p.transform
        #expect(near(t.toSource(x: 0, y: 0), (11, 9)) && near(t.toSource(x: 224, y: 224), (165, 135)))
        #expect(near(t.toSource(x: 112, y: 112), (88, 72)), "the model's centre is the frame's centre")
        #expect(abs(t.scaleX - 224.0 / 154) < 1e-12 && abs(t.scaleY - 224.0 / 126) < 1e-12)
    }

    /// On 4:2:0 planar frames the odd origin (11, 9) is kept (the scaler is told where chroma sits):
    /// the plan records one pixel past the chroma grid on each axis.
    @Test func stretchThenCentreCropOffTheChromaGrid() throws {
        let p = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 256, height: 256), grid: 2, offGrid: true))
        #expect(Self.source(p) == [11, 9, 154, 126])
        #expect(p.chromaOffsetX == 1 && p.chromaOffsetY == 1)
        // An odd width grows to whole chroma blocks, keeping the origin: 177 wide, x from 16 * 177/256 = 11.06
        // -> 11 to 240 * 177/256 = 165.9 -> 166, 155 wide -> 156.
        let odd = try #require(Self.plan(177, 144, .stretchCenterCrop(width: 256, height: 256), grid: 2, offGrid: true))
        #expect(Self.source(odd) == [11, 9, 156, 126])
    }

    /// Where the scaler cannot be told (packed or 4:1:1 formats), both edges snap outward to the grid:
    /// (11, 9)...(165, 135) reads (10, 8)...(166, 136), which keeps the rectangle centred on the frame
    /// (a shift would move every pixel; this only scales). At 1:1 too, where libswscale's unscaled
    /// converters ignore chroma positions.
    @Test func stretchThenCentreCropOnTheChromaGrid() throws {
        let p = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 256, height: 256), grid: 2))
        #expect(Self.source(p) == [10, 8, 156, 128])
        #expect(p.chromaOffsetX == 0 && p.chromaOffsetY == 0)
        let t = p.transform
        #expect(near(t.toSource(x: 0, y: 0), (10, 8)) && near(t.toSource(x: 224, y: 224), (166, 136)))
        #expect(near(t.toSource(x: 112, y: 112), (88, 72)))
        // 1:1: stretch 226x226 to itself, keep the centre 224x224: (1, 1) would be off the grid.
        let native = try #require(Self.plan(226, 226, .stretchCenterCrop(width: 226, height: 226), grid: 2, offGrid: true))
        #expect(Self.source(native) == [0, 0, 226, 226] || (native.chromaOffsetX == 0 && native.chromaOffsetY == 0))
    }

    /// bikes.mp4 (640x272): x per canvas pixel 2.5, y 1.0625; window 16...240 -> x 40...600,
    /// y 17...255, snapped to 16...256.
    @Test func wideFrame() throws {
        let p = try #require(Self.plan(640, 272, .stretchCenterCrop(width: 256, height: 256), grid: 2))
        #expect(Self.source(p) == [40, 16, 560, 240])
        #expect(near(p.transform.toSource(x: 224, y: 224), (600, 256)))
    }

    /// Short side 256 on 320x240: canvas 341x256 (torchvision's int(256 * 320 / 240)); window at (58, 16);
    /// source x 58 * 320/341 = 54.4 -> 54 to 282 * 320/341 = 264.6 -> 265, y 15 to 225.
    @Test func shortSideThenCentreCrop() throws {
        let p = try #require(Self.plan(320, 240, .shortSideCenterCrop(shortSide: 256)))
        #expect(Self.source(p) == [54, 15, 211, 210])
        let onGrid = try #require(Self.plan(320, 240, .shortSideCenterCrop(shortSide: 256), grid: 2))
        #expect(Self.source(onGrid) == [54, 14, 212, 212])
        // The new spelling {short_side: 256, crop: center} is the same chain.
        #expect(ResizeMode(.shortSide(256), centerCrop: true) == .shortSideCenterCrop(shortSide: 256))
    }

    /// Letterbox 400x200 into 256x256 (scale 0.64: 256x128 at y = 64), then the centre 224x224 (window at
    /// (16, 16)): the model sees canvas x 16...240 (source 25...375) and all 128 rows, at y 48...176;
    /// the rest is padding.
    @Test func letterboxThenCentreCrop() throws {
        let centre = ResizeMode(.letterbox(anchor: .center, pad: 0, to: PixelSize(width: 256, height: 256)), centerCrop: true)
        let p = try #require(Self.plan(400, 200, centre))
        #expect(Self.source(p) == [25, 0, 350, 200])
        #expect(Self.content(p) == [0, 48, 224, 128])
        #expect(p.hasPadding(width: 224, height: 224))
        #expect(near(p.transform.toSource(x: 0, y: 48), (25, 0)) && near(p.transform.toSource(x: 224, y: 176), (375, 200)))
        // Top left: the image is at (0, 0) of the canvas; the window cuts x as before and y at 16 (source 25).
        let topLeft = ResizeMode(.letterbox(anchor: .topLeft, pad: 0, to: PixelSize(width: 256, height: 256)), centerCrop: true)
        let q = try #require(Self.plan(400, 200, topLeft))
        #expect(Self.source(q) == [25, 25, 350, 175])
        #expect(Self.content(q) == [0, 0, 224, 112])
    }

    /// A crop of the frame (a detector's box) goes through the same chain: the transform lands in frame
    /// pixels, offset by the crop's origin.
    @Test func chainOnACrop() throws {
        let box = Rect(x: 100, y: 50, width: 176, height: 144)
        let p = try #require(Self.plan(640, 480, .stretchCenterCrop(width: 256, height: 256), crop: box))
        #expect(Self.source(p) == [111, 59, 154, 126])
        #expect(near(p.transform.toSource(x: 0, y: 0), (111, 59)) && near(p.transform.toSource(x: 112, y: 112), (188, 122)))
    }

    @Test func rotatedChainMirrorsTheUpright() throws {
        let up = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 256, height: 256)))
        let turned = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 256, height: 256), rotate180: true))
        #expect(near(turned.transform.toSource(x: 30, y: 200), up.transform.toSource(x: 194, y: 24)))
    }

    /// Chains that cannot give the target size plan nothing (the parser rejects them first).
    @Test(arguments: [
        ResizeMode.stretchCenterCrop(width: 200, height: 256),  // crop wider than the stretched image
        .shortSideCenterCrop(shortSide: 200),  // short side smaller than the crop
        ResizeMode(.stretch(to: PixelSize(width: 256, height: 256))),  // another size, no crop
        ResizeMode(.shortSide(256)),  // short side without a crop
        ResizeMode(.letterbox(anchor: .center, pad: 0, to: PixelSize(width: 100, height: 300)), centerCrop: true),
    ])
    func impossibleChainsPlanNothing(_ resize: ResizeMode) {
        #expect(Self.plan(176, 144, resize) == nil)
        #expect(resize.problem(target: PixelSize(width: 224, height: 224)) != nil)
    }

    /// Without a crop, and with a crop of the same size, a chain is the plain step.
    @Test func equalSizeCropIsTheStepAlone() throws {
        let plain = try #require(Self.plan(176, 144, .stretch, grid: 2))
        let same = try #require(Self.plan(176, 144, .stretchCenterCrop(width: 224, height: 224), grid: 2))
        #expect(plain == same)
        #expect(Self.source(plain) == [0, 0, 176, 144])
    }
}
