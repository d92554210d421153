import CFFmpeg
import FramewiseCore
import Logging

/// Decodes one video file and returns the frames a `SamplingPolicy` selects, in presentation order.
///
/// Not `Sendable`: FFmpeg's decoder state is not thread-safe, so keep each decoder on one dedicated
/// thread and hand the returned `VideoFrame`s (which are `Sendable`) to other threads.
///
/// Sampling works on presentation timestamps measured from the stream start (a missing timestamp is
/// filled in as the previous one plus one frame duration), not on frame indices.
///
/// Damaged input: a packet the decoder rejects mid-file is skipped and logged (`skippedPacketCount`);
/// decoding continues (more than 64 decode errors in a row with no frame between them throw
/// `MediaError.Kind.decodeFailed`). A truncated file (reading fails before the end, or the last video
/// packet is one the demuxer had to cut short): `next()` first returns every frame decoded before the
/// cut, then throws `MediaError.Kind.readFailed` once, then returns nil. A truncated MP4 whose index
/// (moov) was at the end cannot be opened at all (`.cannotOpen`).
public final class VideoDecoder {
    /// What the headers say about the video.
    public internal(set) var info: VideoInfo
    /// The sampling policy.
    public let sampling: SamplingPolicy
    /// Frames the codec actually decoded so far (with `.keyframes`, only the keyframes are decoded).
    public internal(set) var decodedFrameCount = 0
    /// Frames returned by `next()` so far.
    public internal(set) var sampledFrameCount = 0
    /// Packets the decoder rejected and that were skipped.
    public internal(set) var skippedPacketCount = 0

    let handles: DecoderHandles
    let format: UnsafeMutablePointer<AVFormatContext>
    let codec: UnsafeMutablePointer<AVCodecContext>
    let packet: UnsafeMutablePointer<AVPacket>
    let streamIndex: Int32
    let timeBase: Double
    /// One frame's duration in time-base units, for filling in missing timestamps.
    let frameDuration: Int64
    var startPts: Int64?
    var lastPts: Int64?
    var sampler: FrameSampler
    var phase = Phase.decoding
    /// Video packets read so far (decode order); `.keyframes` maps keyframe pts to this ordinal.
    var packetsRead = 0
    var keyPacketOrdinals: [Int64: Int] = [:]
    var keyPacketOrdinalsByPosition: [Int64: Int] = [:]
    var held: (sourceIndex: Int, time: Double)?
    var consecutiveErrors = 0
    var lastPacketCorrupt = false
    /// Decode errors in a row (with no frame between them) after which the video counts as undecodable.
    static let maxConsecutiveErrors = 64
    let logger = Logger(label: "framewise.media")

    /// `flushing` carries the read error to throw once the decoder is drained, if reading failed.
    enum Phase { case decoding, flushing(MediaError?), failing(MediaError), finished }

    /// Opens `path` and sets up a decoder. `threads` is the codec's thread count (0: FFmpeg chooses).
    public init(path: String, sampling: SamplingPolicy, threads: Int = 0) throws(MediaError) {
        let handles = DecoderHandles()
        let index = try Self.openInput(path, into: handles)
        guard let format = handles.format, let stream = format.pointee.streams[Int(index)] else {
            throw MediaError(.noVideoStream, path: path, message: "stream missing")
        }
        try Self.openCodec(path, stream: stream, threads: threads, keyframesOnly: sampling == .keyframes, into: handles)
        guard let codec = handles.codec, let packet = handles.packet else {
            throw MediaError(.codecOpenFailed, path: path, message: "decoder not set up")
        }
        var info = Self.describe(path, format: format, stream: stream, codec: codec)
        if case .uniform = sampling, info.duration == nil { info.duration = Self.scanDuration(path, fps: info.averageFPS) }
        guard let sampler = FrameSampler(policy: sampling, duration: info.duration) else {
            throw MediaError(.invalidSampling, path: path, message: "\(sampling)")
        }
        self.sampler = sampler
        self.handles = handles
        self.format = format
        self.codec = codec
        self.packet = packet
        self.info = info
        self.sampling = sampling
        streamIndex = index
        timeBase = av_q2d(stream.pointee.time_base)
        let start = stream.pointee.start_time
        startPts = start == fw_av_nopts_value() ? nil : start
        let fps = info.averageFPS > 0 ? info.averageFPS : 25
        frameDuration = max(1, Int64((1 / (fps * timeBase)).rounded()))
    }

    /// The next sampled frame, or nil at the end of the video.
    public func next() throws(MediaError) -> VideoFrame? {
        while true {
            switch phase {
            case .finished: return nil
            case let .failing(error):
                phase = .finished
                throw error
            case .decoding, .flushing: break
            }
            guard let frame = handles.frame else { return nil }
            let result = avcodec_receive_frame(codec, frame)
            if result == 0 {
                decodedFrameCount += 1
                consecutiveErrors = 0
                if let sampled = try takeDecodedFrame() { return sampled }
            } else if result == fw_averror_eagain() {
                if case .flushing = phase { phase = .finished } else { try feedPacket() }
            } else if result == fw_averror_eof() {
                if case let .flushing(error?) = phase { phase = .failing(error) } else { phase = .finished }
                if sampler.finish(), let last = emitHeldFrame() { return last }
            } else {
                // With frame threading a damaged packet's error surfaces here, one call later: skip it,
                // unless errors keep coming without a frame in between.
                consecutiveErrors += 1
                skippedPacketCount += 1
                logger.warning("skipping undecodable data",
                               metadata: ["video": "\(info.path)", "error": "\(MediaError.ffmpegMessage(result))"])
                if consecutiveErrors > Self.maxConsecutiveErrors {
                    phase = .finished
                    throw MediaError(.decodeFailed, path: info.path, code: result,
                                     context: "\(consecutiveErrors) errors in a row after \(decodedFrameCount) frames")
                }
            }
        }
    }
}
