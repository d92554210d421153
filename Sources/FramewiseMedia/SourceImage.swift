import CFFmpeg

/// A view of a frame's planes that can be narrowed to a region by offsetting the plane pointers.
struct SourceImage {
    var planes: [UnsafePointer<UInt8>?]
    var strides: [Int32]
    var format: AVPixelFormat
    var width: Int
    var height: Int
    var colorspace: AVColorSpace
    var fullRange: Bool

    init(_ frame: UnsafeMutablePointer<AVFrame>) {
        let f = frame.pointee
        let d = f.data
        planes = [d.0, d.1, d.2, d.3].map { $0.map { UnsafePointer($0) } }
        let l = f.linesize
        strides = [l.0, l.1, l.2, l.3]
        format = AVPixelFormat(f.format)
        width = Int(f.width)
        height = Int(f.height)
        colorspace = f.colorspace
        // The JPEG ("yuvj") formats are full range whatever the frame says.
        let jpeg: Set<AVPixelFormat> = [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P,
                                        AV_PIX_FMT_YUVJ440P, AV_PIX_FMT_YUVJ411P]
        fullRange = f.color_range == AVCOL_RANGE_JPEG || jpeg.contains(format)
    }

    /// The chroma grid region origins must be aligned to, and whether pointer offsetting works at all.
    var grid: (x: Int, y: Int, offsettable: Bool) {
        guard let desc = av_pix_fmt_desc_get(format) else { return (1, 1, false) }
        let d = desc.pointee
        let impossible = UInt64(AV_PIX_FMT_FLAG_BITSTREAM) | UInt64(AV_PIX_FMT_FLAG_HWACCEL)
        return (1 << Int(d.log2_chroma_w), 1 << Int(d.log2_chroma_h), d.flags & impossible == 0)
    }

    /// Whether libswscale can read this format at all (hardware frames cannot be read).
    var isReadable: Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_HWACCEL) == 0 && sws_isSupportedInput(format) != 0
    }

    /// The planes moved to start at (x, y), which must lie on the chroma grid (as libavutil's
    /// frame cropping does: chroma planes move by x >> log2_chroma_w, one component step per pixel).
    func offset(x: Int, y: Int) -> SourceImage {
        guard (x != 0 || y != 0), let desc = av_pix_fmt_desc_get(format) else { return self }
        let d = desc.pointee
        var moved = self
        let comps = [d.comp.0, d.comp.1, d.comp.2, d.comp.3].prefix(Int(d.nb_components))
        for i in 0..<4 {
            guard let plane = planes[i] else { break }
            if d.flags & UInt64(AV_PIX_FMT_FLAG_PAL) != 0 && i == 1 { break }  // the palette does not move
            let chroma = i == 1 || i == 2
            let sx = chroma ? Int(d.log2_chroma_w) : 0
            let sy = chroma ? Int(d.log2_chroma_h) : 0
            guard let comp = comps.first(where: { Int($0.plane) == i }) else { continue }
            moved.planes[i] = plane + (y >> sy) * Int(strides[i]) + (x >> sx) * Int(comp.step)
        }
        moved.width = width - x
        moved.height = height - y
        return moved
    }
}
