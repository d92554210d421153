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
///
/// Doing less work, exactly (`DecoderOptions.allowSkipNonRef`, `.allowSeek`, on by default): for `.fps`,
/// `.everyNth` and `.uniform`, the decoder first reads (demuxes, does not decode) every packet of the
/// stream; if all have unique timestamps it knows every frame's presentation rank and time, runs the
/// sampler over them, and so knows in advance which frames will be kept (`DecodePlan`). It then
/// - discards non-reference frames that will not be kept (AVDISCARD_NONREF, set per packet; H.264,
///   MPEG-1/2, single-layer H.265) - nothing refers to them, so no kept frame's pixels change;
/// - jumps (av_seek_frame on the container's index) to the closed random-access keyframe before the next
///   kept frame when that skips at least `max(2, threads)` packets, and decodes forward from there;
///   frames it decodes again or that precede the kept frame are dropped, not offered.
/// Frames it never decodes are still offered to the sampler by time, so `sourceIndex`, `time` and the
/// pixels of every returned frame equal a full decode's. Streams without pts on every packet (raw
/// H.264), with duplicate pts, corrupt or unreadable packets, or containers without an index fall back
/// (to a full decode, or to skipping without seeking). On a damaged stream whose frames fail to decode
/// mid-way, `sourceIndex` counts the frames that failed (the true position) where a full decode would not.
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
    /// Frames sent to the codec with AVDISCARD_NONREF set that never came out of it: non-reference frames
    /// it discarded, plus (frame threading) frames still in flight when a seek flushed the codec.
    public internal(set) var skippedFrameCount = 0
    /// Seeks to a keyframe ahead of the next sample.
    public internal(set) var seekCount = 0
    /// Video packets read from the container so far (decode order; packets read again after a seek count again).
    public internal(set) var packetsRead = 0
    /// How this decoder decodes.
    public let options: DecoderOptions
    /// Whether skipping / seeking runs on a prescan plan (false: every frame is decoded).
    public var usesDecodePlan: Bool { plan != nil }

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
    /// `.keyframes` maps keyframe pts to the packet ordinal (`packetsRead`).
    var keyPacketOrdinals: [Int64: Int] = [:]
    var keyPacketOrdinalsByPosition: [Int64: Int] = [:]
    var held: (sourceIndex: Int, time: Double)?
    var consecutiveErrors = 0
    var lastPacketCorrupt = false
    /// Source index of the next decoded frame when there is no plan.
    var nextSourceIndex = 0
    /// The prescan plan, while in use.
    var plan: DecodePlan?
    /// With a plan: rank of the last frame offered to the sampler, decode ordinal of the last packet sent,
    /// index into `plan.neededRanks` of the next frame to keep, packets to drop after a seek landed early.
    var lastRank = -1
    var lastSentOrdinal = -1
    var nextNeeded = 0
    var dropBeforeOrdinal = 0
    /// After a seek: the keyframe's ordinal and the seek point tried; the first packet must not be past the keyframe.
    var landingCheck: (key: Int, tried: Int)?
    var skipFrameOn = false
    var sentWithSkip = Set<Int64>()
    /// Seek only when it skips at least this many packets.
    var minimumSeekGap = 2
    /// Decode errors in a row (with no frame between them) after which the video counts as undecodable.
    static let maxConsecutiveErrors = 64
    let logger = Logger(label: "framewise.media")

    /// `flushing` carries the read error to throw once the decoder is drained, if reading failed.
    enum Phase { case decoding, flushing(MediaError?), failing(MediaError), finished }

    /// Opens `path` and sets up a decoder. `threads` is the codec's thread count (0: FFmpeg chooses);
    /// the exact optimizations are on (`DecoderOptions(threads:)`).
    public convenience init(path: String, sampling: SamplingPolicy, threads: Int = 0) throws(MediaError) {
        try self.init(path: path, sampling: sampling, options: DecoderOptions(threads: threads))
    }

    /// Opens `path` and sets up a decoder with `options`.
    public init(path: String, sampling: SamplingPolicy, options: DecoderOptions) throws(MediaError) {
        let handles = DecoderHandles()
        let index = try Self.openInput(path, allowAnyDemuxer: options.allowAnyDemuxer, into: handles)
        guard let format = handles.format, let stream = format.pointee.streams[Int(index)] else {
            throw MediaError(.noVideoStream, path: path, message: "stream missing")
        }
        try Self.openCodec(path, stream: stream, options: options, keyframesOnly: sampling == .keyframes, into: handles)
        guard let codec = handles.codec, let packet = handles.packet else {
            throw MediaError(.codecOpenFailed, path: path, message: "decoder not set up")
        }
        var info = Self.describe(path, format: format, stream: stream, codec: codec)
        if case .uniform = sampling, info.duration == nil { info.duration = Self.scanDuration(path, fps: info.averageFPS, allowAnyDemuxer: options.allowAnyDemuxer) }
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
        self.options = options
        minimumSeekGap = max(2, Int(codec.pointee.thread_count))
        if options.isLossy {
            logger.notice("lossy decoding: frames differ from a full decode",
                          metadata: ["video": "\(path)", "options": "\(options)", "lowres": "\(codec.pointee.lowres)"])
        }
        switch sampling {
        case .fps, .everyNth, .uniform:
            if options.allowSkipNonRef || options.allowSeek { setUpPlan(stream: stream, start: start) }
        case .everyFrame, .keyframes: break
        }
    }

    private func setUpPlan(stream: UnsafeMutablePointer<AVStream>, start: Int64) {
        guard let codecpar = stream.pointee.codecpar else { return }
        let built: DecodePlan
        do {
            built = try DecodePlan.build(path: info.path, streamIndex: streamIndex, policy: sampling, duration: info.duration,
                                         codecpar: codecpar, allowSeek: options.allowSeek, startTime: start)
        } catch {
            logger.debug("decoding every frame", metadata: ["video": "\(info.path)", "reason": "\(error.reason)"])
            return
        }
        let canSkip = options.allowSkipNonRef && built.skipNonRef
        guard canSkip || built.seekPointCount > 0 else {
            logger.debug("decoding every frame", metadata: ["video": "\(info.path)", "reason": "no exact skip or seek for this stream"])
            return
        }
        plan = built
        startPts = built.origin
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
                if let plan { catchUp(to: plan.frameCount) }
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
