import CFFmpeg
import Foundation
import FramewiseCore
@testable import FramewiseMedia
import Testing

/// A frame written with `FrameFile` and read back is the same frame: pixels, metadata, colour tags,
/// and what the `Preprocessor` makes of it, bit for bit.
@Suite struct FrameFileTests {
    /// Decoded fixtures: 4:2:0 (H.264, tagged-range H.265, MPEG-4 part 2, 720p) and odd-sized 4:4:4.
    @Test(arguments: ["h264.mp4", "h265.mp4", "odd.mp4", "mpeg4.avi", "h264_720p.mp4"])
    func decodedFramesRoundTrip(name: String) throws {
        let (frames, _) = try MediaFixtures.decodeAll(MediaFixtures.path(name), .everyNth(7))
        let sample = Array(frames.prefix(3))
        #expect(sample.count == 3)
        #expect(sample.contains { $0.isKeyframe } && sample.contains { !$0.isKeyframe }, "want both kinds of frame")
        try FrameFolder.with { folder in
            for frame in sample {
                let path = folder.file("\(name)-\(frame.index).fwf")
                try FrameFile.write(frame, to: path)
                let back = try FrameFile.read(path, videoPath: frame.videoPath)
                try Self.expectSame(back, frame)
            }
        }
    }

    /// Pixel formats the fixtures do not decode to: packed RGB, semi-planar, 10-bit, gray, alpha, palette;
    /// odd sizes so chroma rounding matters.
    @Test(arguments: ["rgb24", "nv12", "yuv420p10le", "gray", "yuva420p", "pal8", "yuv422p"])
    func syntheticFormatsRoundTrip(format: String) throws {
        let frame = try SyntheticFrame.make(format: format, width: 37, height: 23, seed: 11)
        try FrameFolder.with { folder in
            let path = folder.file("synthetic.fwf")
            try FrameFile.write(frame, to: path)
            try Self.expectSame(try FrameFile.read(path, videoPath: "synthetic"), frame)
        }
    }

    /// Missing parent folders are created; writing again replaces the file and leaves no temporary files.
    @Test func writeCreatesFoldersAndReplacesAtomically() throws {
        let first = try MediaFixtures.frame("h264.mp4", at: 3)
        let second = try MediaFixtures.frame("h264.mp4", at: 4)
        #expect(first.planeChecksum() != second.planeChecksum())
        try FrameFolder.with { folder in
            let path = folder.file("job/video/000003.fwf")
            try FrameFile.write(first, to: path)
            try FrameFile.write(second, to: path)
            #expect(try FrameFile.read(path, videoPath: "v").planeChecksum() == second.planeChecksum())
            let listing = try FileManager.default.contentsOfDirectory(atPath: folder.file("job/video"))
            #expect(listing == ["000003.fwf"])
        }
    }

    static func expectSame(_ back: VideoFrame, _ original: VideoFrame) throws {
        #expect(back.planeChecksum() == original.planeChecksum())
        #expect(back.width == original.width && back.height == original.height)
        #expect(back.pixelFormatName == original.pixelFormatName)
        #expect(back.index == original.index && back.sourceIndex == original.sourceIndex)
        #expect(back.time.bitPattern == original.time.bitPattern)
        #expect(back.isKeyframe == original.isKeyframe)
        let a = back.avFrame.pointee, b = original.avFrame.pointee
        #expect(a.color_range == b.color_range && a.colorspace == b.colorspace && a.color_primaries == b.color_primaries)
        #expect(a.color_trc == b.color_trc && a.chroma_location == b.chroma_location)
        #expect(a.sample_aspect_ratio.num == b.sample_aspect_ratio.num && a.sample_aspect_ratio.den == b.sample_aspect_ratio.den)
        for (spec, crop) in preprocessCases {
            let expected = try preprocessed(original, spec: spec, crop: crop)
            #expect(try preprocessed(back, spec: spec, crop: crop) == expected, "\(spec.resize) crop \(String(describing: crop))")
        }
    }

    /// 64x64 NCHW RGB float32 (ImageNet normalisation), and a letterboxed uint8 crop (the pointer-offset path).
    static let preprocessCases: [(PreprocessSpec, Rect?)] = [
        (PreprocessSpec(width: 64, height: 64, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]), nil),
        (PreprocessSpec(width: 24, height: 16, layout: .nhwc, elementType: .uint8, resize: .letterbox(anchor: .center, pad: 3)),
         Rect(x: 5, y: 3, width: 20, height: 15)),
    ]

    /// The tensor's raw bytes, so the comparison is bit for bit (NaN-safe).
    static func preprocessed(_ frame: VideoFrame, spec: PreprocessSpec, crop: Rect?) throws -> [UInt8] {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: spec.itemByteCount, alignment: 64)
        defer { buffer.deallocate() }
        try Preprocessor(spec: spec).process(frame, crop: crop, into: buffer)
        return Array(UnsafeRawBufferPointer(start: buffer, count: spec.itemByteCount))
    }
}

/// A temporary folder removed after the test.
struct FrameFolder {
    let url: URL

    func file(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    static func with(_ body: (FrameFolder) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fw-frames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(FrameFolder(url: url))
    }
}
