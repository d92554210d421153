import CFFmpeg

/// A frame encoded as a baseline JPEG (FFmpeg's mjpeg encoder), with its size and the size of
/// the frame it was made from (boxes in frame pixels scale by width / sourceWidth).
public struct JPEGImage: Sendable, Equatable {
    public var data: [UInt8]
    public var width: Int
    public var height: Int
    public var sourceWidth: Int
    public var sourceHeight: Int
}

/// Encodes decoded frames as JPEG thumbnails: one libswscale pass to full-range YUV 4:2:0 at the
/// thumbnail size (`yuv420p` marked full range, not the deprecated `yuvj420p`), then libavcodec's
/// mjpeg encoder at a fixed quantiser. Not thread-safe: one
/// encoder per thread.
public final class JPEGEncoder {
    private let scalers = ScalerCache()
    /// mjpeg quantiser, 2 (best) to 31 (smallest).
    public let quality: Int32

    public init(quality: Int = 4) { self.quality = Int32(min(31, max(2, quality))) }

    /// `frame` scaled to at most `maxWidth` pixels wide (never enlarged; aspect kept; even sizes), as JPEG.
    public func encode(_ frame: VideoFrame, maxWidth: Int = 320) throws(MediaError) -> JPEGImage {
        let path = frame.videoPath
        let source = SourceImage(frame.avFrame)
        guard source.isReadable, source.width > 0, source.height > 0 else {
            throw MediaError(.unsupportedFormat, path: path, message: "cannot read \(frame.pixelFormatName) frames for a thumbnail")
        }
        let factor = min(1, Double(max(16, maxWidth)) / Double(source.width))
        let width = max(2, Int((Double(source.width) * factor / 2).rounded()) * 2)
        let height = max(2, Int((Double(source.height) * factor / 2).rounded()) * 2)
        let small = try scaled(source, path: path, width: width, height: height)
        defer {
            var f: UnsafeMutablePointer<AVFrame>? = small
            av_frame_free(&f)
        }
        let data = try compress(small, path: path, width: width, height: height)
        return JPEGImage(data: data, width: width, height: height, sourceWidth: source.width, sourceHeight: source.height)
    }

    /// The frame at the thumbnail size in full-range `yuv420p` (a new frame the caller frees).
    private func scaled(_ source: SourceImage, path: String, width: Int, height: Int) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        guard let frame = av_frame_alloc() else { throw MediaError(.preprocessFailed, path: path, message: "out of memory") }
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointee.color_range = AVCOL_RANGE_JPEG
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        guard av_frame_get_buffer(frame, 0) >= 0 else {
            av_frame_free(&owned)
            throw MediaError(.preprocessFailed, path: path, message: "out of memory")
        }
        let key = ScalerCache.Key(sourceWidth: Int32(source.width), sourceHeight: Int32(source.height), sourceFormat: source.format.rawValue,
                                  width: Int32(width), height: Int32(height), format: AV_PIX_FMT_YUV420P.rawValue,
                                  colorspace: source.colorspace.rawValue, fullRange: source.fullRange)
        let target = SourceImage(frame)
        let planes = target.planes.map { $0.map { UnsafeMutablePointer(mutating: $0) } }
        guard let context = scalers.context(for: key),
              sws_scale(context, source.planes, source.strides, 0, Int32(source.height), planes, target.strides) > 0 else {
            av_frame_free(&owned)
            throw MediaError(.preprocessFailed, path: path, message: "cannot scale the frame for a thumbnail")
        }
        return frame
    }

    /// One frame through the mjpeg encoder: the JPEG bytes.
    private func compress(_ frame: UnsafeMutablePointer<AVFrame>, path: String, width: Int, height: Int) throws(MediaError) -> [UInt8] {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw MediaError(.unsupportedCodec, path: path, message: "FFmpeg has no mjpeg encoder")
        }
        var context = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&context) }
        guard let c = context else { throw MediaError(.codecOpenFailed, path: path, message: "out of memory") }
        c.pointee.width = Int32(width)
        c.pointee.height = Int32(height)
        c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        c.pointee.color_range = AVCOL_RANGE_JPEG
        c.pointee.time_base = AVRational(num: 1, den: 25)
        c.pointee.flags |= fw_codec_flag_qscale()
        c.pointee.global_quality = fw_qp2lambda() * quality
        let opened = avcodec_open2(c, codec, nil)
        guard opened >= 0 else { throw MediaError(.codecOpenFailed, path: path, code: opened, context: "mjpeg encoder") }
        frame.pointee.quality = c.pointee.global_quality
        frame.pointee.pts = 0
        let sent = avcodec_send_frame(c, frame)
        guard sent >= 0 else { throw MediaError(.encodeFailed, path: path, code: sent, context: "mjpeg encoder") }
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let p = packet else { throw MediaError(.encodeFailed, path: path, message: "out of memory") }
        let received = avcodec_receive_packet(c, p)
        guard received >= 0, let bytes = p.pointee.data, p.pointee.size > 0 else {
            throw MediaError(.encodeFailed, path: path, code: received, context: "mjpeg encoder")
        }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(p.pointee.size)))
    }
}
