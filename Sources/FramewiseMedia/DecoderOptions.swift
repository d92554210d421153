/// How a `VideoDecoder` decodes: threading, the exact work-saving optimizations, and explicit lossy knobs.
///
/// The exact optimizations (`allowSkipNonRef`, `allowSeek`, on by default) never change what `next()`
/// returns: the same frames, with the same `sourceIndex`, `time` and pixels as a full decode. They only
/// apply where the decoder can prove that from the container's packet timestamps (see `VideoDecoder`).
/// The lossy knobs (`skipLoopFilter`, `lowres`) change the pixels the models see; they are off by default.
public struct DecoderOptions: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// FFmpeg's threading mode.
    public enum ThreadType: String, Sendable, Equatable, Hashable {
        /// Frame and slice threading, FFmpeg picks (frame where the codec supports it).
        case automatic
        /// Frame threading: one frame per thread; scales on any stream, adds `threads` frames of latency.
        case frame
        /// Slice threading: the slices of one frame in parallel; no latency, but only helps streams
        /// encoded with several slices per frame (x264's default is one).
        case slice
    }

    /// Codec threads (0: FFmpeg chooses from the machine's cores).
    public var threads: Int
    /// Threading mode.
    public var threadType: ThreadType
    /// Exact: discard non-reference frames (AVDISCARD_NONREF, per packet) that no sample can be.
    public var allowSkipNonRef: Bool
    /// Exact: jump to the keyframe before the next sample when a whole keyframe interval lies between.
    public var allowSeek: Bool
    /// LOSSY: skip the in-loop deblocking filter on every frame (AVDISCARD_ALL on skip_loop_filter).
    /// Faster (H.264 ~10-30%), but the pixels differ from a full decode and errors drift along a GOP.
    public var skipLoopFilter: Bool
    /// LOSSY: decode at 1/2^lowres resolution where the codec supports it (not H.264/H.265); 0 is off.
    public var lowres: Int
    /// Open files FFmpeg reads with a demuxer that is not a video container (text rendered as video:
    /// `tty`, the ANSI/binary-text art formats; see `VideoDecoder.nonVideoDemuxers`). Off by default:
    /// a text file given by mistake fails as "not a video container" instead of coming back "ok".
    public var allowAnyDemuxer: Bool

    public init(threads: Int = 0, threadType: ThreadType = .automatic, allowSkipNonRef: Bool = true,
                allowSeek: Bool = true, skipLoopFilter: Bool = false, lowres: Int = 0, allowAnyDemuxer: Bool = false) {
        self.allowAnyDemuxer = allowAnyDemuxer
        self.threads = threads
        self.threadType = threadType
        self.allowSkipNonRef = allowSkipNonRef
        self.allowSeek = allowSeek
        self.skipLoopFilter = skipLoopFilter
        self.lowres = lowres
    }

    /// A full decode of every frame (no skipping, no seeking): the reference the optimizations must match.
    public static func fullDecode(threads: Int = 0, threadType: ThreadType = .automatic) -> DecoderOptions {
        DecoderOptions(threads: threads, threadType: threadType, allowSkipNonRef: false, allowSeek: false)
    }

    /// Threads for one decoder when `videosInFlight` videos decode at once on `cores` cores.
    ///
    /// Parallelism across videos is cheaper than within one (no frame-threading latency or pipeline
    /// flushes at seeks, less memory), so: as many videos as cores or more -> 1 thread each; fewer ->
    /// the cores shared out (at least 1) with frame threading (x264 streams usually have one slice per
    /// frame, so slice threading would leave the extra threads idle). Exact optimizations stay on.
    public static func automatic(cores: Int, videosInFlight: Int) -> DecoderOptions {
        let cores = max(cores, 1)
        let videos = max(videosInFlight, 1)
        if videos >= cores { return DecoderOptions(threads: 1, threadType: .frame) }
        return DecoderOptions(threads: max(1, cores / videos), threadType: .frame)
    }

    /// Whether a lossy knob is on (the frames then differ from a full decode).
    public var isLossy: Bool { skipLoopFilter || lowres > 0 }

    public var description: String {
        var parts = ["threads=\(threads)", "threadType=\(threadType.rawValue)",
                     "skipNonRef=\(allowSkipNonRef)", "seek=\(allowSeek)"]
        if skipLoopFilter { parts.append("LOSSY skipLoopFilter") }
        if lowres > 0 { parts.append("LOSSY lowres=\(lowres)") }
        if allowAnyDemuxer { parts.append("anyDemuxer") }
        return parts.joined(separator: " ")
    }
}
