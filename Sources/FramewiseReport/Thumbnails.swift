import Foundation
import FramewiseMedia

/// A flagged frame as a JPEG thumbnail (base64), with the size of the frame it came from.
public struct Thumbnail: Sendable, Equatable {
    public var frame: FlaggedFrame
    /// The JPEG bytes, base64.
    public var base64: String
    public var width: Int
    public var height: Int
    public var sourceWidth: Int
    public var sourceHeight: Int

    public init(frame: FlaggedFrame, base64: String, width: Int, height: Int, sourceWidth: Int, sourceHeight: Int) {
        self.frame = frame
        self.base64 = base64
        self.width = width
        self.height = height
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
    }
}

/// Re-decodes flagged frames with FFmpeg and encodes them as JPEG (FFmpeg's mjpeg encoder).
public enum Thumbnails {
    /// Thumbnails of `frames` of the video at `path`, `maxWidth` pixels wide at most. A video that
    /// cannot be decoded again (moved, deleted) gives an error naming it; the report shows it.
    public static func make(path: String, frames: [FlaggedFrame], maxWidth: Int = 320) throws(MediaError) -> [Thumbnail] {
        guard !frames.isEmpty else { return [] }
        let decoded = try FrameGrabber.frames(of: path, at: frames.map(\.time))
        let encoder = JPEGEncoder(quality: 5)
        var out: [Thumbnail] = []
        for (flag, frame) in zip(frames, decoded) {
            let jpeg = try encoder.encode(frame, maxWidth: maxWidth)
            out.append(Thumbnail(frame: flag, base64: Data(jpeg.data).base64EncodedString(), width: jpeg.width, height: jpeg.height,
                                 sourceWidth: jpeg.sourceWidth, sourceHeight: jpeg.sourceHeight))
        }
        return out
    }
}
