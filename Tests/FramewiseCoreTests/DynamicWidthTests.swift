import Foundation
import FramewiseCore
import Testing

/// `preprocess.dynamic_width`: a batch as wide as its widest item at the model's height.
@Suite struct DynamicWidthTests {
    static let recogniser: PreprocessSpec = {
        var spec = PreprocessSpec(width: 480, height: 48, resize: .letterbox(anchor: .topLeft, pad: 0))
        spec.dynamicWidth = 32
        return spec
    }()

    @Test(arguments: [
        // One 100x20 crop: 48 x 5 = 240 wide at height 48, a multiple of 32 above: 256.
        ([(100.0, 20.0)], 256),
        // The widest item decides: 30x30 -> 48, 200x40 -> 240 -> 256.
        ([(30.0, 30.0), (200.0, 40.0)], 256),
        // Exactly a multiple: 64x48 -> 64.
        ([(64.0, 48.0)], 64),
        // Very narrow: at least one multiple.
        ([(2.0, 40.0)], 32),
        // Wider than the model's width: capped at it (the item is then shrunk, as a fixed width does).
        ([(1000.0, 20.0)], 480),
        // Empty sizes are ignored.
        ([(0.0, 0.0), (48.0, 48.0)], 64),
    ] as [([(Double, Double)], Int)])
    func aBatchIsAsWideAsItsWidestItem(_ sizes: [(Double, Double)], _ width: Int) {
        let fitted = Self.recogniser.fitted(to: sizes.map { (width: $0.0, height: $0.1) })
        #expect(fitted.width == width)
        #expect(fitted.height == 48)
        #expect(fitted.dynamicWidth == nil)
        #expect(fitted.itemShape == [3, 48, width])
    }

    @Test func aFixedWidthIsKept() {
        let fixed = PreprocessSpec(width: 480, height: 48, resize: .letterbox(anchor: .topLeft, pad: 0))
        #expect(fixed.fitted(to: [(width: 10, height: 40)]) == fixed)
    }

    static func pipeline(resize: String, dynamicWidth: String) -> String {
        """
        models:
          m:
            file: m.onnx
            preprocess:
              size: [480, 48]
              resize: \(resize)
              dynamic_width: \(dynamicWidth)
        stages:
          s:
            model: m
        """
    }

    @Test func parsedWithALetterbox() throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let spec = try PipelineLoader.parse(yaml: Self.pipeline(resize: "{letterbox: top_left, pad: 0}", dynamicWidth: "32"),
                                            file: "p.yaml", baseDirectory: dir.path)
        #expect(spec.models.first?.preprocess?.dynamicWidth == 32)
    }

    /// Without a letterbox into the model's size, or with a multiple below 1: rejected, naming the field.
    @Test(arguments: [("stretch", "32"), ("{letterbox: center, to: [600, 60], crop: center}", "32"), ("{letterbox: top_left}", "0")])
    func rejected(_ resize: String, _ multiple: String) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let error = try #require(pipelineError(Self.pipeline(resize: resize, dynamicWidth: multiple), file: "p.yaml", baseDirectory: dir.path))
        #expect(error.issues.contains { $0.field == "models.m.preprocess.dynamic_width" }, "\(error)")
    }
}

/// `preprocess.dynamic_size`: a batch as wide and as high as its largest item letterboxed into the model's size.
@Suite struct DynamicSizeTests {
    static let detector: PreprocessSpec = {
        var spec = PreprocessSpec(width: 640, height: 384, resize: .letterbox(anchor: .topLeft, pad: 0))
        spec.dynamicWidth = 32
        spec.dynamicHeight = 32
        return spec
    }()

    @Test(arguments: [
        // 4:3 (768x576): scale 2/3, content 512x384, no padding left.
        ([(768.0, 576.0)], 512, 384),
        // 640x272: scale 1 (bound by the width), content 640x272 -> 640x288.
        ([(640.0, 272.0)], 640, 288),
        // 16:9 (1280x720): scale 1/2, content 640x360 -> 640x384 (the next multiple is the written height).
        ([(1280.0, 720.0)], 640, 384),
        // A batch of both: the largest on each axis.
        ([(768.0, 576.0), (640.0, 272.0)], 640, 384),
        // A small frame keeps its scale (letterboxing scales it up to the bound axis): 176x144 -> 469x384 -> 480x384.
        ([(176.0, 144.0)], 480, 384),
        // Empty sizes are ignored; nothing at all is one multiple.
        ([(0.0, 0.0)], 32, 32),
    ] as [([(Double, Double)], Int, Int)])
    func aBatchIsAsLargeAsItsLargestItem(_ sizes: [(Double, Double)], _ width: Int, _ height: Int) {
        let fitted = Self.detector.fitted(to: sizes.map { (width: $0.0, height: $0.1) })
        #expect(fitted.width == width && fitted.height == height, "\(fitted.size)")
        #expect(fitted.dynamicWidth == nil && fitted.dynamicHeight == nil)
        #expect(fitted.itemShape == [3, height, width])
    }

    /// Every item keeps the scale the written size gives it, so only padding is cut.
    @Test(arguments: [(768.0, 576.0), (640.0, 272.0), (1280.0, 720.0), (176.0, 144.0), (300.0, 900.0)])
    func theScaleIsKept(_ w: Double, _ h: Double) {
        let fitted = Self.detector.fitted(to: [(width: w, height: h)])
        let written = min(640 / w, 384 / h)
        #expect(abs(min(Double(fitted.width) / w, Double(fitted.height) / h) - written) < 1e-9)
    }

    static func pipeline(_ preprocess: String) -> String {
        """
        models:
          m:
            file: m.onnx
            preprocess:
              size: [640, 384]
        \(preprocess)
        stages:
          s:
            model: m
        """
    }

    @Test func parsedWithALetterbox() throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let yaml = Self.pipeline("      resize: {letterbox: top_left, pad: 0}\n      dynamic_size: 32")
        let pre = try PipelineLoader.parse(yaml: yaml, file: "p.yaml", baseDirectory: dir.path).models.first?.preprocess
        #expect(pre?.dynamicWidth == 32 && pre?.dynamicHeight == 32)
    }

    /// Without a letterbox, below 1, or beside dynamic_width: rejected, naming the field.
    @Test(arguments: ["      resize: stretch\n      dynamic_size: 32", "      resize: {letterbox: top_left}\n      dynamic_size: 0",
                      "      resize: {letterbox: top_left}\n      dynamic_size: 32\n      dynamic_width: 32"])
    func rejected(_ preprocess: String) throws {
        let dir = try TempDirectory(files: ["m.onnx"])
        defer { dir.remove() }
        let error = try #require(pipelineError(Self.pipeline(preprocess), file: "p.yaml", baseDirectory: dir.path))
        #expect(error.issues.contains { $0.field == "models.m.preprocess.dynamic_size" }, "\(error)")
    }
}
