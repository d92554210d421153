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

    /// Whether a region may start off the chroma grid: planar formats subsampled by at most 2, whose
    /// chroma planes can start at the next sample with the scaler told where it sits (`chromaPosition`).
    var allowsOffGridOrigin: Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        let d = desc.pointee
        return d.flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) != 0 && d.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0
            && d.log2_chroma_w <= 1 && d.log2_chroma_h <= 1 && d.nb_components >= 3
    }

    /// Whether libswscale can read this format at all (hardware frames cannot be read).
    var isReadable: Bool {
        guard let desc = av_pix_fmt_desc_get(format) else { return false }
        return desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_HWACCEL) == 0 && sws_isSupportedInput(format) != 0
    }

    /// The planes moved to start at (x, y). On the chroma grid this is libavutil's frame cropping (chroma
    /// planes move by x >> log2_chroma_w, one component step per pixel); off it, the chroma planes start
    /// at the next chroma sample (rounded up, so nothing left of the region is read) and the scaler must
    /// be told where that sample sits (`chromaPosition`).
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
            let cx = (x + (1 << sx) - 1) >> sx, cy = (y + (1 << sy) - 1) >> sy
            moved.planes[i] = plane + cy * Int(strides[i]) + cx * Int(comp.step)
        }
        moved.width = width - x
        moved.height = height - y
        return moved
    }

    /// libswscale's `src_h_chr_pos` / `src_v_chr_pos` (the first chroma sample's centre in 1/256 luma
    /// pixels from the region's origin) for a region starting `offset` pixels after a chroma block
    /// boundary on an axis subsampled by `1 << log2`; -513 (libswscale's default, the block's centre) on
    /// the grid. Off it, the planes start at the next block (see `offset(x:y:)`), `(1 << log2) - offset`
    /// pixels in, so its centre is that far plus half a block.
    static func chromaPosition(offset: Int, log2: Int) -> Int32 {
        guard offset > 0 else { return -513 }
        return Int32(256 * ((1 << log2) - offset) + (128 << log2) - 128)
    }
}
