import CFFmpeg
import FramewiseCore

/// One sampled, decoded frame. Owns a reference to FFmpeg's frame buffer, released when the object goes.
///
/// Read-only after creation, so it may be handed to another thread (`@unchecked Sendable`);
/// the pixels stay in the decoder's pixel format until a `Preprocessor` converts them.
public final class VideoFrame: @unchecked Sendable {
    /// Ordinal among the sampled frames of this decode: 0, 1, 2, ...
    public let index: Int
    /// The frame's position among all frames of the video in presentation order (0-based).
    public let sourceIndex: Int
    /// Presentation time in seconds from the stream start.
    public let time: Double
    /// Whether the frame is a keyframe.
    public let isKeyframe: Bool
    /// The video it came from (for error messages).
    public let videoPath: String
    /// The decoded frame; owned by this object.
    let avFrame: UnsafeMutablePointer<AVFrame>

    /// Frame width in pixels.
    public var width: Int { Int(avFrame.pointee.width) }
    /// Frame height in pixels.
    public var height: Int { Int(avFrame.pointee.height) }
    /// FFmpeg's name of the pixel format, e.g. `yuv420p`.
    public var pixelFormatName: String {
        av_get_pix_fmt_name(AVPixelFormat(avFrame.pointee.format)).map { String(cString: $0) } ?? "unknown"
    }

    /// Takes ownership of `avFrame` (a frame allocated with av_frame_alloc holding a reference).
    init(taking avFrame: UnsafeMutablePointer<AVFrame>, index: Int, sourceIndex: Int, time: Double, videoPath: String) {
        self.avFrame = avFrame
        self.index = index
        self.sourceIndex = sourceIndex
        self.time = time
        self.isKeyframe = avFrame.pointee.key_frame != 0
        self.videoPath = videoPath
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = avFrame
        av_frame_free(&frame)
    }
}

extension VideoFrame {
    /// The size of what a preprocessor reads from this frame: the `crop`, or the whole frame.
    public func regionSize(_ crop: Rect?) -> (width: Double, height: Double) {
        crop.map { (width: $0.width, height: $0.height) } ?? (width: Double(width), height: Double(height))
    }

    /// FNV-1a over the visible bytes of every plane (row by row, padding left out): equal pixels, equal sum.
    func planeChecksum() -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let frame = avFrame.pointee
        let format = AVPixelFormat(frame.format)
        guard let descriptor = av_pix_fmt_desc_get(format) else { return 0 }
        var rowBytes = [Int32](repeating: 0, count: 4)
        guard av_image_fill_linesizes(&rowBytes, format, frame.width) >= 0 else { return 0 }
        let planes = Int(av_pix_fmt_count_planes(format))
        let chromaShift = Int32(descriptor.pointee.log2_chroma_h)
        withUnsafeBytes(of: frame.data) { dataTuple in
            withUnsafeBytes(of: frame.linesize) { lineTuple in
                let data = dataTuple.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)
                let lines = lineTuple.bindMemory(to: Int32.self)
                for p in 0..<min(planes, 4) {
                    guard let base = data[p] else { continue }
                    let rows = p == 1 || p == 2 ? -((-frame.height) >> chromaShift) : frame.height
                    for y in 0..<Int(rows) {
                        let row = base + y * Int(lines[p])
                        for x in 0..<Int(rowBytes[p]) {
                            hash = (hash ^ UInt64(row[x])) &* 0x100_0000_01b3
                        }
                    }
                }
            }
        }
        return hash
    }
}
