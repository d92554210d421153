import CFFmpeg

/// libswscale contexts keyed by everything they depend on; freed on eviction and in deinit.
final class ScalerCache {
    struct Key: Hashable {
        var sourceWidth: Int32, sourceHeight: Int32, sourceFormat: Int32
        var width: Int32, height: Int32, format: Int32
        var colorspace: UInt32, fullRange: Bool
        /// libswscale's source chroma positions (`src_h_chr_pos`, `src_v_chr_pos`); -513 is its default.
        var chromaPositionX: Int32 = -513, chromaPositionY: Int32 = -513
    }

    /// Filters: full-resolution chroma in and out plus accurate rounding keep sharp colour edges within
    /// ~1 8-bit step of an exact conversion (plain SWS_BILINEAR is off by up to 2 normalised units there).
    static let flags = SWS_BILINEAR | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_ACCURATE_RND
    /// OCR crops come in many sizes: beyond this many contexts the cache starts over.
    static let capacity = 64
    private var contexts: [Key: OpaquePointer] = [:]

    deinit { removeAll() }

    func removeAll() {
        for context in contexts.values { sws_freeContext(context) }
        contexts.removeAll()
    }

    /// The context for `key`, created on first use; nil if libswscale rejects the conversion.
    func context(for key: Key) -> OpaquePointer? {
        if let cached = contexts[key] { return cached }
        if contexts.count >= Self.capacity { removeAll() }
        guard let context = Self.makeContext(key) else { return nil }
        if let desc = av_pix_fmt_desc_get(AVPixelFormat(key.sourceFormat)),
           desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 {
            let table = sws_getCoefficients(Self.swsColorspace(AVColorSpace(key.colorspace)))
            _ = sws_setColorspaceDetails(context, table, key.fullRange ? 1 : 0,
                                         sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        }
        contexts[key] = context
        return context
    }

    /// A context for `key`; with chroma positions set it is configured through its options, as
    /// `sws_getContext` cannot take them.
    private static func makeContext(_ key: Key) -> OpaquePointer? {
        guard key.chromaPositionX != -513 || key.chromaPositionY != -513 else {
            return sws_getContext(key.sourceWidth, key.sourceHeight, AVPixelFormat(key.sourceFormat),
                                  key.width, key.height, AVPixelFormat(key.format), Self.flags, nil, nil, nil)
        }
        guard let context = sws_alloc_context() else { return nil }
        let options: [(String, Int64)] = [
            ("srcw", Int64(key.sourceWidth)), ("srch", Int64(key.sourceHeight)), ("src_format", Int64(key.sourceFormat)),
            ("dstw", Int64(key.width)), ("dsth", Int64(key.height)), ("dst_format", Int64(key.format)),
            ("sws_flags", Int64(Self.flags)),
            ("src_h_chr_pos", Int64(key.chromaPositionX)), ("src_v_chr_pos", Int64(key.chromaPositionY)),
        ]
        let raw = UnsafeMutableRawPointer(context)
        guard options.allSatisfy({ av_opt_set_int(raw, $0.0, $0.1, 0) >= 0 }), sws_init_context(context, nil, nil) >= 0 else {
            sws_freeContext(context)
            return nil
        }
        return context
    }

    /// libswscale's matrix for a frame's colour space (unspecified means BT.601, as FFmpeg assumes).
    static func swsColorspace(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: SWS_CS_ITU709
        case AVCOL_SPC_FCC: SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: SWS_CS_BT2020
        default: SWS_CS_ITU601
        }
    }
}
