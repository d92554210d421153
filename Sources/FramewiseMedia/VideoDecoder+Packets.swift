import CFFmpeg
import Logging

extension VideoDecoder {
    /// Reads one packet and sends it to the decoder; at end of file (or a read error) starts draining.
    func feedPacket() throws(MediaError) {
        let result = av_read_frame(format, packet)
        if result < 0 {
            if result != fw_averror_eof() {
                let error = MediaError(.readFailed, path: info.path, code: result,
                                       context: "after \(decodedFrameCount) decoded frames")
                logger.warning("\(error)")
                avcodec_send_packet(codec, nil)
                phase = .flushing(error)
                return
            }
            avcodec_send_packet(codec, nil)
            // A file whose last video packet the demuxer had to cut short ("partial file") is truncated.
            let truncated = lastPacketCorrupt
                ? MediaError(.readFailed, path: info.path, message: "the file ends inside a packet (truncated?) "
                             + "after \(decodedFrameCount) decoded frames")
                : nil
            phase = .flushing(truncated)
            return
        }
        defer { av_packet_unref(packet) }
        guard packet.pointee.stream_index == streamIndex else { return }
        if sampling == .keyframes, packet.pointee.flags & AV_PKT_FLAG_KEY != 0 {
            // Keyed by pts, or by byte position in streams without timestamps (raw H.264).
            if packet.pointee.pts != fw_av_nopts_value() {
                keyPacketOrdinals[packet.pointee.pts] = packetsRead
            } else if packet.pointee.pos >= 0 {
                keyPacketOrdinalsByPosition[packet.pointee.pos] = packetsRead
            }
        }
        packetsRead += 1
        lastPacketCorrupt = packet.pointee.flags & AV_PKT_FLAG_CORRUPT != 0
        let sent = avcodec_send_packet(codec, packet)
        if sent < 0, sent != fw_averror_eagain() {
            skippedPacketCount += 1
            logger.warning("skipping a packet the decoder rejected",
                           metadata: ["video": "\(info.path)", "error": "\(MediaError.ffmpegMessage(sent))"])
        }
    }
}
