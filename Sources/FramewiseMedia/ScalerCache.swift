import CFFmpeg

/// libswscale contexts keyed by everything they depend on; freed on eviction and in deinit.
final class ScalerCache {
    struct Key: Hashable {
        var sourceWidth: Int32, sourceHeight: Int32, sourceFormat: Int32
        var width: Int32, height: Int32, format: Int32
        var colorspace: UInt32, fullRange: Bool
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
        guard let context = sws_getContext(key.sourceWidth, key.sourceHeight, AVPixelFormat(key.sourceFormat),
                                           key.width, key.height, AVPixelFormat(key.format),
                                           Self.flags, nil, nil, nil) else { return nil }
        if let desc = av_pix_fmt_desc_get(AVPixelFormat(key.sourceFormat)),
           desc.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0 {
            let table = sws_getCoefficients(Self.swsColorspace(AVColorSpace(key.colorspace)))
            _ = sws_setColorspaceDetails(context, table, key.fullRange ? 1 : 0,
                                         sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16)
        }
        contexts[key] = context
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
