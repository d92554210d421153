import CFFmpeg

/// Owns the FFmpeg objects of one decoder and frees whichever exist when released,
/// so a failing `VideoDecoder.init` cleans up without double frees.
final class DecoderHandles {
    var format: UnsafeMutablePointer<AVFormatContext>?
    var codec: UnsafeMutablePointer<AVCodecContext>?
    var packet: UnsafeMutablePointer<AVPacket>?
    /// The frame the codec decodes into; replaced when a taken frame moves into a `VideoFrame`.
    var frame: UnsafeMutablePointer<AVFrame>?
    /// `.uniform` only: the last decoded frame not taken, in case end of stream comes before the last target.
    var heldFrame: UnsafeMutablePointer<AVFrame>?

    init() {}

    deinit {
        av_frame_free(&heldFrame)
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }
}
