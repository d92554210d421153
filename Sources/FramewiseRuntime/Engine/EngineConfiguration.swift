import Foundation

/// How the streaming engine uses the machine. Defaults come from the core count.
public struct EngineConfiguration: Sendable, Equatable {
    /// Videos decoding at the same time.
    public var decoders: Int
    /// Decoder threads per video (0: one when several videos decode at once, else automatic).
    public var decodeThreads: Int
    /// Dedicated threads for preprocessing and inference.
    public var workerThreads: Int
    /// Concurrent batches per stage (instances of each model).
    public var instancesPerStage: Int
    /// Frames (messages) a stage topic holds before decoders wait (backpressure).
    public var topicBound: Int
    /// Longest a partly filled batch waits for more frames from other videos.
    public var maxQueueDelay: Duration

    public init(decoders: Int? = nil, decodeThreads: Int = 0, workerThreads: Int? = nil, instancesPerStage: Int = 1,
                topicBound: Int = 256, maxQueueDelay: Duration = .milliseconds(5)) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        self.decoders = max(1, decoders ?? cores)
        self.decodeThreads = decodeThreads
        self.workerThreads = max(1, workerThreads ?? cores)
        self.instancesPerStage = max(1, instancesPerStage)
        self.topicBound = max(1, topicBound)
        self.maxQueueDelay = maxQueueDelay
    }
}
