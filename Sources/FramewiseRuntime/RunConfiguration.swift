import Foundation

/// How a run uses the machine. Defaults are derived from the core count.
public struct RunConfiguration: Sendable, Equatable {
    /// Videos processed at the same time.
    public var concurrentVideos: Int
    /// Dedicated threads for preprocessing and inference (blocking C calls).
    public var workerThreads: Int
    /// Decoder threads per video (0: automatic).
    public var decodeThreads: Int
    /// Decode files FFmpeg reads with a demuxer that is not a video container (`DecoderOptions.allowAnyDemuxer`).
    public var allowAnyDemuxer = false

    public init(concurrentVideos: Int? = nil, workerThreads: Int? = nil, decodeThreads: Int = 0) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        self.concurrentVideos = max(1, concurrentVideos ?? max(2, cores / 2))
        self.workerThreads = max(1, workerThreads ?? cores)
        self.decodeThreads = decodeThreads
    }
}
