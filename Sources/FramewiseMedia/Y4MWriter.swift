import CFFmpeg
import Foundation

/// Writes decoded frames, bit for bit, into a YUV4MPEG2 file (raw planes, no compression), so a
/// chosen set of a video's frames can be decoded again by FFmpeg with exactly the same pixels
/// (used by `framewise query` to run a ground-truth pipeline on cluster centroids only).
///
/// Planar 8-bit YUV 4:2:0, 4:2:2 and 4:4:4 (full or limited range) and gray are supported; every
/// frame must have the first frame's size and format. Colour matrix tags are not carried (Y4M has
/// none): decoders then assume BT.601, as they do for untagged video.
public final class Y4MWriter {
    private let handle: FileHandle
    public let path: String
    private var shape: (width: Int32, height: Int32, format: Int32)?
    /// Frames written so far.
    public private(set) var count = 0

    /// Creates (replacing) the file at `path`.
    public init(path: String) throws(MediaError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw MediaError(.writeFailed, path: path, message: "cannot create the file")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The Y4M colour tag of a pixel format, and whether it is full range.
    static func tag(_ format: AVPixelFormat) -> (String, Bool)? {
        switch format {
        case AV_PIX_FMT_YUV420P: ("420jpeg", false)
        case AV_PIX_FMT_YUVJ420P: ("420jpeg", true)
        case AV_PIX_FMT_YUV422P: ("422", false)
        case AV_PIX_FMT_YUVJ422P: ("422", true)
        case AV_PIX_FMT_YUV444P: ("444", false)
        case AV_PIX_FMT_YUVJ444P: ("444", true)
        case AV_PIX_FMT_GRAY8: ("mono", false)
        default: nil
        }
    }

    /// Appends `frame` (writing the stream header before the first one).
    public func append(_ frame: VideoFrame) throws(MediaError) {
        let f = frame.avFrame.pointee
        let format = AVPixelFormat(f.format)
        guard let (colour, jpegFormat) = Self.tag(format) else {
            throw MediaError(.unsupportedFormat, path: path, message: "frame \(frame.sourceIndex) of \(frame.videoPath) is \(frame.pixelFormatName); "
                             + "Y4M takes planar 8-bit YUV or gray")
        }
        if let shape {
            guard shape == (f.width, f.height, f.format) else {
                throw MediaError(.unsupportedFormat, path: path, message: "frame \(frame.sourceIndex) of \(frame.videoPath) changes size or format mid-stream")
            }
        } else {
            shape = (f.width, f.height, f.format)
            let full = jpegFormat || f.color_range == AVCOL_RANGE_JPEG
            let header = "YUV4MPEG2 W\(f.width) H\(f.height) F25:1 Ip A1:1 C\(colour) XCOLORRANGE=\(full ? "FULL" : "LIMITED")\n"
            try write(Data(header.utf8))
        }
        let size = av_image_get_buffer_size(format, f.width, f.height, 1)
        var bytes = [UInt8](repeating: 0, count: max(0, Int(size)))
        let copied = bytes.withUnsafeMutableBufferPointer { buffer in
            withUnsafeBytes(of: f.data) { data in
                withUnsafeBytes(of: f.linesize) { lines in
                    av_image_copy_to_buffer(buffer.baseAddress, size, data.bindMemory(to: UnsafePointer<UInt8>?.self).baseAddress,
                                            lines.bindMemory(to: Int32.self).baseAddress, format, f.width, f.height, 1)
                }
            }
        }
        guard size > 0, copied == size else {
            throw MediaError(.unsupportedFormat, path: path, message: "cannot pack frame \(frame.sourceIndex) of \(frame.videoPath): \(MediaError.ffmpegMessage(copied))")
        }
        try write(Data("FRAME\n".utf8))
        try write(Data(bytes))
        count += 1
    }

    /// Flushes and closes the file.
    public func close() throws(MediaError) {
        do { try handle.close() } catch { throw MediaError(.writeFailed, path: path, message: "cannot close: \(error)") }
    }

    private func write(_ data: Data) throws(MediaError) {
        do { try handle.write(contentsOf: data) } catch {
            throw MediaError(.writeFailed, path: path, message: "cannot write: \(error)")
        }
    }
}
