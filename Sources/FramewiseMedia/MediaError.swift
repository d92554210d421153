import CFFmpeg

/// An error from decoding or preprocessing a video, naming the video and carrying FFmpeg's own message.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The file does not exist.
        case fileNotFound = "file not found"
        /// FFmpeg could not open or probe the file (empty, not a media file, index missing, ...).
        case cannotOpen = "cannot open"
        /// The file has no video stream (e.g. audio only).
        case noVideoStream = "no video stream"
        /// FFmpeg reads the file with a demuxer that is not a video container (e.g. `tty`: a text file).
        case notAVideoContainer = "not a video container"
        /// No decoder is available for the video's codec.
        case unsupportedCodec = "unsupported codec"
        /// The decoder could not be set up.
        case codecOpenFailed = "cannot open decoder"
        /// Reading the file failed before its end, e.g. a truncated file. Frames before the cut were returned.
        case readFailed = "read failed"
        /// The decoder failed in a way it cannot recover from.
        case decodeFailed = "decode failed"
        /// A sampling policy with an invalid parameter (e.g. `.fps(0)`).
        case invalidSampling = "invalid sampling policy"
        /// The frame's pixel format or the preprocessing spec is not supported.
        case unsupportedFormat = "unsupported format"
        /// libswscale could not convert the frame.
        case preprocessFailed = "preprocess failed"
        /// A frame file (see `FrameFile`) is truncated, not a frame file, or describes an impossible frame.
        case invalidFrameFile = "invalid frame file"
        /// Writing a frame file (or creating its folder) failed.
        case writeFailed = "write failed"
        /// Encoding a frame (a JPEG thumbnail) failed.
        case encodeFailed = "encode failed"
    }

    /// What went wrong.
    public let kind: Kind
    /// The video the error is about.
    public let path: String
    /// Details, usually FFmpeg's message for its error code.
    public let message: String
    /// FFmpeg's error code, if the error came from FFmpeg.
    public let code: Int32?

    /// Creates an error.
    public init(_ kind: Kind, path: String, message: String, code: Int32? = nil) {
        self.kind = kind
        self.path = path
        self.message = message
        self.code = code
    }

    /// Creates an error from an FFmpeg return code, with FFmpeg's message for it (av_strerror).
    init(_ kind: Kind, path: String, code: Int32, context: String? = nil) {
        let text = MediaError.ffmpegMessage(code)
        self.init(kind, path: path, message: context.map { "\($0): \(text)" } ?? text, code: code)
    }

    public var description: String {
        message.isEmpty ? "\(kind.rawValue): \(path)" : "\(kind.rawValue): \(path): \(message)"
    }

    /// FFmpeg's text for an error code.
    static func ffmpegMessage(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buffer, buffer.count) < 0 { return "FFmpeg error \(code)" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
