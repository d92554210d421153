import CFFmpeg

/// Stores one decoded frame in a file and reads it back unchanged, so worker processes can hand frames
/// to each other by path instead of sending pixels through the broker.
///
/// A file is a `FrameFileHeader` (size, pixel format by name, colour tags, index, time) followed by each
/// plane's visible bytes, tightly packed in the layout of `av_image_copy_to_buffer` with align 1.
/// Writes are atomic (temporary file, then rename); reads check the header against the pixel count.
public enum FrameFile {
    /// Writes `frame` to `path`, replacing any file there and creating missing parent folders.
    public static func write(_ frame: VideoFrame, to path: String) throws(MediaError) {
        let f = frame.avFrame.pointee
        let format = AVPixelFormat(f.format)
        let size = av_image_get_buffer_size(format, f.width, f.height, 1)
        guard size > 0 else {
            throw MediaError(.unsupportedFormat, path: path, message: "cannot store frame \(frame.index) of \(frame.videoPath): "
                             + "\(frame.pixelFormatName) \(frame.width)x\(frame.height) has no packed layout (\(MediaError.ffmpegMessage(size)))")
        }
        let header = FrameFileHeader(
            width: f.width, height: f.height, pixelFormatName: frame.pixelFormatName,
            colorRange: f.color_range.rawValue, colorspace: f.colorspace.rawValue, colorPrimaries: f.color_primaries.rawValue,
            colorTransfer: f.color_trc.rawValue, chromaLocation: f.chroma_location.rawValue,
            sampleAspectRatio: (f.sample_aspect_ratio.num, f.sample_aspect_ratio.den),
            index: Int64(frame.index), sourceIndex: Int64(frame.sourceIndex), time: frame.time,
            isKeyframe: frame.isKeyframe, pixelBytes: UInt64(size))
        let head = header.encoded()
        var copied: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: head.count + Int(size)) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            _ = UnsafeMutableBufferPointer(rebasing: buffer[0..<head.count]).initialize(from: head)
            copied = withUnsafeBytes(of: f.data) { data in
                withUnsafeBytes(of: f.linesize) { lines in
                    av_image_copy_to_buffer(base + head.count, size, data.bindMemory(to: UnsafePointer<UInt8>?.self).baseAddress,
                                            lines.bindMemory(to: Int32.self).baseAddress, format, f.width, f.height, 1)
                }
            }
            count = copied == size ? head.count + Int(size) : 0
        }
        guard copied == size else {
            throw MediaError(.unsupportedFormat, path: path, message: "cannot pack the pixels of frame \(frame.index) of "
                             + "\(frame.videoPath) (\(frame.pixelFormatName)): \(MediaError.ffmpegMessage(copied))")
        }
        try writeAtomically(bytes, to: path)
    }

    /// Reads the frame stored at `path`; `videoPath` is the video it came from (for later error messages).
    /// A missing file is `.fileNotFound`; a truncated, foreign or inconsistent one `.invalidFrameFile`.
    public static func read(_ path: String, videoPath: String) throws(MediaError) -> VideoFrame {
        let bytes = try readAll(path)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MediaError) in try frame(from: buffer, path: path, videoPath: videoPath) }
        }
        return try result.get()
    }

    private static func frame(from buffer: UnsafeRawBufferPointer, path: String, videoPath: String) throws(MediaError) -> VideoFrame {
        func invalid(_ message: String) -> MediaError { MediaError(.invalidFrameFile, path: path, message: message) }
        let (header, offset) = try FrameFileHeader.parse(buffer, path: path)
        let w = header.width, h = header.height, name = header.pixelFormatName
        let format = av_get_pix_fmt(name)
        guard format != AV_PIX_FMT_NONE else { throw invalid("unknown pixel format '\(name)' (this FFmpeg does not know it)") }
        guard w > 0, h > 0, av_image_check_size(UInt32(w), UInt32(h), 0, nil) >= 0 else {
            throw invalid("impossible frame size \(w)x\(h)")
        }
        let expected = av_image_get_buffer_size(format, w, h, 1)
        guard expected > 0, header.pixelBytes == UInt64(expected) else {
            throw invalid("header says \(header.pixelBytes) pixel bytes, a \(w)x\(h) \(name) frame has \(expected)")
        }
        let available = buffer.count - offset
        guard available >= Int(expected) else { throw invalid("truncated: \(available) of \(expected) pixel bytes") }
        guard available == Int(expected) else { throw invalid("\(available - Int(expected)) unexpected bytes after the pixels") }
        guard let pixels = buffer.baseAddress?.advanced(by: offset).assumingMemoryBound(to: UInt8.self) else {
            throw invalid("no pixel data")
        }
        let frame = try allocateFrame(header, format: format, path: path)
        var source = [UnsafeMutablePointer<UInt8>?](repeating: nil, count: 4)
        var sourceLines = [Int32](repeating: 0, count: 4)
        let filled = av_image_fill_arrays(&source, &sourceLines, pixels, format, w, h, 1)
        guard filled == expected else {
            var owned: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&owned)
            throw invalid("cannot lay out \(w)x\(h) \(name) pixels: \(MediaError.ffmpegMessage(filled))")
        }
        var sourcePlanes = source.map { $0.map { UnsafePointer($0) } }
        var planes = frame.pointee.data, lines = frame.pointee.linesize
        withUnsafeMutableBytes(of: &planes) { planes in
            withUnsafeMutableBytes(of: &lines) { lines in
                av_image_copy(planes.bindMemory(to: UnsafeMutablePointer<UInt8>?.self).baseAddress,
                              lines.bindMemory(to: Int32.self).baseAddress, &sourcePlanes, sourceLines, format, w, h)
            }
        }
        return VideoFrame(taking: frame, index: Int(header.index), sourceIndex: Int(header.sourceIndex), time: header.time,
                          videoPath: videoPath)
    }

    /// A writable frame with the header's size, format and colour tags.
    private static func allocateFrame(_ header: FrameFileHeader, format: AVPixelFormat, path: String) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        guard let frame = av_frame_alloc() else { throw MediaError(.readFailed, path: path, message: "out of memory") }
        frame.pointee.format = format.rawValue
        frame.pointee.width = header.width
        frame.pointee.height = header.height
        frame.pointee.color_range = AVColorRange(rawValue: header.colorRange)
        frame.pointee.colorspace = AVColorSpace(rawValue: header.colorspace)
        frame.pointee.color_primaries = AVColorPrimaries(rawValue: header.colorPrimaries)
        frame.pointee.color_trc = AVColorTransferCharacteristic(rawValue: header.colorTransfer)
        frame.pointee.chroma_location = AVChromaLocation(rawValue: header.chromaLocation)
        frame.pointee.sample_aspect_ratio = AVRational(num: header.sampleAspectRatio.num, den: header.sampleAspectRatio.den)
        frame.pointee.key_frame = header.isKeyframe ? 1 : 0
        let result = av_frame_get_buffer(frame, 0)
        guard result >= 0 else {
            var owned: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&owned)
            throw MediaError(.readFailed, path: path, code: result, context: "allocating a \(header.width)x\(header.height) frame")
        }
        return frame
    }
}
