import CFFmpeg
@testable import FramewiseMedia

/// Frames in any pixel format, filled with a seeded byte pattern and tagged with non-default colour
/// fields, for tests that need formats the fixture videos do not decode to.
enum SyntheticFrame {
    static func make(format name: String, width: Int32, height: Int32, seed: UInt64) throws -> VideoFrame {
        let format = av_get_pix_fmt(name)
        guard format != AV_PIX_FMT_NONE, let descriptor = av_pix_fmt_desc_get(format), let frame = av_frame_alloc() else {
            throw FixtureProblem(message: "FFmpeg cannot make a \(name) frame")
        }
        frame.pointee.format = format.rawValue
        frame.pointee.width = width
        frame.pointee.height = height
        frame.pointee.color_range = AVCOL_RANGE_JPEG
        frame.pointee.colorspace = AVCOL_SPC_BT709
        frame.pointee.color_primaries = AVCOL_PRI_BT709
        frame.pointee.color_trc = AVCOL_TRC_BT709
        frame.pointee.chroma_location = AVCHROMA_LOC_TOPLEFT
        frame.pointee.sample_aspect_ratio = AVRational(num: 4, den: 3)
        guard av_frame_get_buffer(frame, 0) >= 0 else {
            var owned: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&owned)
            throw FixtureProblem(message: "no buffer for a \(name) frame")
        }
        var state = seed
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        var rowBytes = [Int32](repeating: 0, count: 4)
        _ = av_image_fill_linesizes(&rowBytes, format, width)
        let chromaShift = Int32(descriptor.pointee.log2_chroma_h)
        let data = [frame.pointee.data.0, frame.pointee.data.1, frame.pointee.data.2, frame.pointee.data.3]
        let lines = [frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2, frame.pointee.linesize.3]
        for p in 0..<Int(av_pix_fmt_count_planes(format)) {
            guard let base = data[p] else { continue }
            let rows = p == 1 || p == 2 ? -((-height) >> chromaShift) : height
            for y in 0..<Int(rows) {
                for x in 0..<Int(rowBytes[p]) { base[y * Int(lines[p]) + x] = next() }
            }
        }
        if descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_PAL) != 0, let palette = data[1] {
            for i in 0..<1024 { palette[i] = next() }
        }
        return VideoFrame(taking: frame, index: 5, sourceIndex: 42, time: 1.2345, videoPath: "synthetic \(name)")
    }
}
