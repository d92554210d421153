import CFFmpeg
import Foundation

extension VideoDecoder {
    /// FFmpeg demuxers that are not video containers: they render text (ANSI art, binary text,
    /// any `.txt`) as video, so a text file given by mistake would decode "ok".
    public static let nonVideoDemuxers: Set<String> = ["tty", "ansi", "bin", "xbin", "adf", "idf"]

    /// Opens the container and finds the video stream; returns its index. Unless `allowAnyDemuxer`,
    /// a file FFmpeg reads with one of `nonVideoDemuxers` is refused.
    static func openInput(_ path: String, allowAnyDemuxer: Bool = false, into handles: DecoderHandles) throws(MediaError) -> Int32 {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MediaError(.fileNotFound, path: path, message: "no such file")
        }
        var format: UnsafeMutablePointer<AVFormatContext>?
        var result = avformat_open_input(&format, path, nil, nil)
        guard result >= 0, let format else { throw MediaError(.cannotOpen, path: path, code: result) }
        handles.format = format
        if !allowAnyDemuxer, let name = format.pointee.iformat?.pointee.name.map({ String(cString: $0) }),
           !nonVideoDemuxers.isDisjoint(with: name.split(separator: ",").map(String.init)) {
            throw MediaError(.notAVideoContainer, path: path,
                             message: "FFmpeg reads it with its '\(name)' demuxer (text shown as video), not as a video file; "
                                 + "framewise run --allow-any-demuxer decodes it anyway")
        }
        result = avformat_find_stream_info(format, nil)
        guard result >= 0 else { throw MediaError(.cannotOpen, path: path, code: result, context: "probing streams") }
        let index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        guard index >= 0 else { throw MediaError(.noVideoStream, path: path, message: "the file has no video stream") }
        for i in 0..<Int(format.pointee.nb_streams) where i != Int(index) {
            format.pointee.streams[i]?.pointee.discard = AVDISCARD_ALL
        }
        return index
    }

    /// Finds and opens the decoder for `stream`.
    static func openCodec(_ path: String, stream: UnsafeMutablePointer<AVStream>, options: DecoderOptions, keyframesOnly: Bool,
                          into handles: DecoderHandles) throws(MediaError) {
        guard let parameters = stream.pointee.codecpar else {
            throw MediaError(.noVideoStream, path: path, message: "stream has no codec parameters")
        }
        let codecID = parameters.pointee.codec_id
        guard let decoder = avcodec_find_decoder(codecID) else {
            let name = avcodec_get_name(codecID).map { String(cString: $0) } ?? "unknown"
            throw MediaError(.unsupportedCodec, path: path, message: "no decoder for codec \(name)")
        }
        guard let codec = avcodec_alloc_context3(decoder) else {
            throw MediaError(.codecOpenFailed, path: path, message: "out of memory")
        }
        handles.codec = codec
        var result = avcodec_parameters_to_context(codec, parameters)
        guard result >= 0 else { throw MediaError(.codecOpenFailed, path: path, code: result) }
        codec.pointee.pkt_timebase = stream.pointee.time_base
        codec.pointee.thread_count = Int32(clamping: max(options.threads, 0))
        switch options.threadType {
        case .automatic: codec.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        case .frame: codec.pointee.thread_type = FF_THREAD_FRAME
        case .slice: codec.pointee.thread_type = FF_THREAD_SLICE
        }
        if keyframesOnly { codec.pointee.skip_frame = AVDISCARD_NONKEY }
        // Lossy knobs, off unless asked for.
        if options.skipLoopFilter { codec.pointee.skip_loop_filter = AVDISCARD_ALL }
        if options.lowres > 0 { codec.pointee.lowres = Int32(min(options.lowres, Int(decoder.pointee.max_lowres))) }
        result = avcodec_open2(codec, decoder, nil)
        guard result >= 0 else { throw MediaError(.codecOpenFailed, path: path, code: result) }
        handles.packet = av_packet_alloc()
        handles.frame = av_frame_alloc()
        guard handles.packet != nil, handles.frame != nil else {
            throw MediaError(.codecOpenFailed, path: path, message: "out of memory")
        }
    }

    /// What the headers say about the stream.
    static func describe(_ path: String, format: UnsafeMutablePointer<AVFormatContext>,
                         stream: UnsafeMutablePointer<AVStream>, codec: UnsafeMutablePointer<AVCodecContext>) -> VideoInfo {
        let s = stream.pointee
        let timeBase = av_q2d(s.time_base)
        var fps = av_q2d(s.avg_frame_rate)
        if !(fps > 0 && fps.isFinite) { fps = av_q2d(s.r_frame_rate) }
        if !(fps > 0 && fps.isFinite) { fps = 0 }
        var duration: Double?
        if s.duration != fw_av_nopts_value(), s.duration > 0 {
            duration = Double(s.duration) * timeBase
        } else if format.pointee.duration != fw_av_nopts_value(), format.pointee.duration > 0 {
            duration = Double(format.pointee.duration) / Double(fw_av_time_base())
        }
        let estimate = s.nb_frames > 0 ? Int(s.nb_frames) : Int(((duration ?? 0) * fps).rounded())
        let name = avcodec_get_name(codec.pointee.codec_id).map { String(cString: $0) } ?? "unknown"
        return VideoInfo(path: path, codecName: name, width: Int(codec.pointee.width), height: Int(codec.pointee.height),
                         averageFPS: fps, duration: duration, frameCountEstimate: estimate,
                         keyframeInterval: keyframeInterval(stream: stream, duration: duration))
    }

    /// Mean seconds between keyframes from the container's index (duration / keyframe count), if indexed.
    static func keyframeInterval(stream: UnsafeMutablePointer<AVStream>, duration: Double?) -> Double? {
        let count = avformat_index_get_entries_count(stream)
        guard count > 1, let duration else { return nil }
        var keys = 0
        for i in 0..<count {
            if let entry = avformat_index_get_entry(stream, i), entry.pointee.flags & AVINDEX_KEYFRAME != 0 { keys += 1 }
        }
        return keys > 0 ? duration / Double(keys) : nil
    }

    /// Reads (not decodes) every packet of the video stream to find its duration, for `.uniform` when
    /// the headers do not state one: the last timestamp plus its duration, or, in a stream without any
    /// timestamps, packet count / `fps`. Nil if neither works.
    static func scanDuration(_ path: String, fps: Double, allowAnyDemuxer: Bool = false) -> Double? {
        let handles = DecoderHandles()
        guard let index = try? openInput(path, allowAnyDemuxer: allowAnyDemuxer, into: handles), let format = handles.format,
              let stream = format.pointee.streams[Int(index)], let packet = av_packet_alloc() else { return nil }
        defer { var p: UnsafeMutablePointer<AVPacket>? = packet; av_packet_free(&p) }
        let start = stream.pointee.start_time
        var first: Int64?
        var end: Int64?
        var count = 0
        while av_read_frame(format, packet) >= 0 {
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == index else { continue }
            count += 1
            guard packet.pointee.pts != fw_av_nopts_value() else { continue }
            let pts = packet.pointee.pts
            first = min(first ?? pts, pts)
            end = max(end ?? pts, pts + max(packet.pointee.duration, 0))
        }
        if let end, let origin = start != fw_av_nopts_value() ? start : first {
            return Double(end - origin) * av_q2d(stream.pointee.time_base)
        }
        return count > 0 && fps > 0 ? Double(count) / fps : nil
    }
}
