import CFFmpeg
import FramewiseCore

extension Preprocessor {
    /// The one libswscale pass: the source region straight into the content rectangle of the model layout
    /// (or, for float NHWC, into float planes that the normalisation interleaves), then normalisation.
    func scale(_ source: SourceImage, plan: PreprocessPlan, into destination: UnsafeMutableRawPointer,
               path: String) throws(MediaError) {
        let width = spec.width, height = spec.height
        let element = spec.elementType.byteSize
        let isFloat = spec.elementType == .float32
        // GBRP planes are G, B, R; in the model's order R is channel 0 (RGB) or 2 (BGR).
        let (r, g, b) = spec.channelOrder == .rgb ? (0, 1, 2) : (2, 1, 0)
        var planes: [UnsafeMutablePointer<UInt8>?] = [nil, nil, nil, nil]
        var strides: [Int32] = [0, 0, 0, 0]
        let format: AVPixelFormat
        switch spec.layout {
        case .nchw:
            format = isFloat ? fw_pix_fmt_gbrpf32() : AV_PIX_FMT_GBRP
            let planeBytes = width * height * element
            let start = (plan.contentY * width + plan.contentX) * element
            for (slot, channel) in [g, b, r].enumerated() {
                planes[slot] = (destination + channel * planeBytes + start).assumingMemoryBound(to: UInt8.self)
                strides[slot] = Int32(width * element)
            }
        case .nhwc where !isFloat:
            format = spec.channelOrder == .rgb ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_BGR24
            planes[0] = (destination + (plan.contentY * width + plan.contentX) * 3).assumingMemoryBound(to: UInt8.self)
            strides[0] = Int32(width * 3)
        case .nhwc:
            format = fw_pix_fmt_gbrpf32()
            let planeBytes = plan.contentWidth * plan.contentHeight * 4
            let buffer = scratchBuffer(bytes: 3 * planeBytes)
            for slot in 0..<3 {
                planes[slot] = (buffer + slot * planeBytes).assumingMemoryBound(to: UInt8.self)
                strides[slot] = Int32(plan.contentWidth * 4)
            }
        }
        let key = ScalerCache.Key(
            sourceWidth: Int32(plan.sourceWidth), sourceHeight: Int32(plan.sourceHeight), sourceFormat: source.format.rawValue,
            width: Int32(plan.contentWidth), height: Int32(plan.contentHeight), format: format.rawValue,
            colorspace: source.colorspace.rawValue, fullRange: source.fullRange,
            chromaPositionX: SourceImage.chromaPosition(offset: plan.chromaOffsetX, log2: source.grid.x.trailingZeroBitCount),
            chromaPositionY: SourceImage.chromaPosition(offset: plan.chromaOffsetY, log2: source.grid.y.trailingZeroBitCount))
        guard let context = scalers.context(for: key) else {
            throw MediaError(.preprocessFailed, path: path, message: "libswscale cannot convert "
                             + "\(plan.sourceWidth)x\(plan.sourceHeight) \(source.format.rawValue) to "
                             + "\(plan.contentWidth)x\(plan.contentHeight) \(format.rawValue)")
        }
        let lines = sws_scale(context, source.planes, source.strides, 0, Int32(plan.sourceHeight), planes, strides)
        guard lines > 0 else {
            throw MediaError(.preprocessFailed, path: path, code: lines, context: "sws_scale")
        }
        guard isFloat else { return }
        let (a, c) = normalisation()
        if spec.layout == .nchw {
            normalisePlanes(plan, destination, a: a, c: c)
        } else if let scratch {
            interleave(plan, from: scratch, gbr: (r: 2, g: 0, b: 1), order: (r, g, b), into: destination, a: a, c: c)
        }
    }

    /// Per model channel: output = value * a + c, for libswscale's float values in 0...1.
    func normalisation() -> (a: [Float], c: [Float]) {
        let a = (0..<3).map { 255 * spec.scale / spec.std[$0] }
        let c = (0..<3).map { -spec.mean[$0] / spec.std[$0] }
        return (a, c)
    }

    private func scratchBuffer(bytes: Int) -> UnsafeMutableRawPointer {
        if let scratch, scratchBytes >= bytes { return scratch }
        scratch?.deallocate()
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        scratch = fresh
        scratchBytes = bytes
        return fresh
    }

    /// For pixel formats whose planes cannot be offset (bit-packed): the whole frame as RGB24 first.
    func convertedToRGB(_ source: SourceImage, path: String) throws(MediaError) -> SourceImage {
        if let frame = converted, Int(frame.pointee.width) != source.width || Int(frame.pointee.height) != source.height {
            av_frame_free(&converted)
        }
        if converted == nil, let frame = av_frame_alloc() {
            frame.pointee.width = Int32(source.width)
            frame.pointee.height = Int32(source.height)
            frame.pointee.format = AV_PIX_FMT_RGB24.rawValue
            converted = frame
            if av_frame_get_buffer(frame, 0) < 0 { av_frame_free(&converted) }
        }
        guard let frame = converted else { throw MediaError(.preprocessFailed, path: path, message: "out of memory") }
        let key = ScalerCache.Key(
            sourceWidth: Int32(source.width), sourceHeight: Int32(source.height), sourceFormat: source.format.rawValue,
            width: Int32(source.width), height: Int32(source.height), format: AV_PIX_FMT_RGB24.rawValue,
            colorspace: source.colorspace.rawValue, fullRange: source.fullRange)
        let target = SourceImage(frame)
        let planes = target.planes.map { $0.map { UnsafeMutablePointer(mutating: $0) } }
        guard let context = scalers.context(for: key),
              sws_scale(context, source.planes, source.strides, 0, Int32(source.height), planes, target.strides) > 0 else {
            throw MediaError(.preprocessFailed, path: path, message: "cannot convert the frame to RGB24")
        }
        return target
    }
}
