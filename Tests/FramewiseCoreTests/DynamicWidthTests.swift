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
