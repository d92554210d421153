import Foundation

/// Settings shared by the workers and the submitting run of a distributed deployment.
public struct ClusterOptions: Sendable {
    /// A message held unacked this long by a consumer is taken over by another (its worker died).
    /// Must exceed the longest batch. Default 30 s.
    public var reclaimAfter: Duration
    /// Deliveries of a message before it goes to the dead-letter topic and its video fails;
    /// must equal the broker's limit. Default 5.
    public var maxDeliveries: Int
    /// Prefix of this worker's consumer names (unique per process by default).
    public var consumerPrefix: String

    /// Frames of a job the store no longer has (abandoned, or lost with Redis' data), or of a
    /// job's earlier epoch, are removed by workers once untouched this long. Default 5 minutes.
    public var orphanGrace: Duration
    /// How often a worker looks for such frames. Default 30 s.
    public var sweepInterval: Duration

    /// Fault injection (tests): hooks called at chosen points; empty normally.
    public var faults: FaultHooks

    public init(reclaimAfter: Duration = .seconds(30), maxDeliveries: Int = 5, consumerPrefix: String? = nil, faults: FaultHooks = FaultHooks(),
                orphanGrace: Duration = .seconds(300), sweepInterval: Duration = .seconds(30)) {
        self.faults = faults
        self.orphanGrace = orphanGrace
        self.sweepInterval = sweepInterval
        self.reclaimAfter = reclaimAfter
        self.maxDeliveries = max(1, maxDeliveries)
        self.consumerPrefix = consumerPrefix ?? ClusterOptions.defaultConsumerPrefix()
    }

    /// `host-pid`: unique per process, so a restarted worker never inherits a dead one's name.
    static func defaultConsumerPrefix() -> String {
        let info = ProcessInfoSnapshot.current
        return "\(info.host)-\(info.pid)"
    }

    /// The consumer group of every topic.
    public static let group = "framewise"
    /// The topic of videos of `pipeline` waiting to be decoded. Topics are named after the
    /// pipeline, so workers of several pipelines can share one Redis.
    public static func decodeTopic(pipeline: String) -> String { "\(pipeline).decode" }
    /// The topic of frames waiting for `stage` of `pipeline`.
    public static func topic(pipeline: String, stage: String) -> String { "\(pipeline).stage.\(stage)" }
}

/// Points where a test can inject a fault (e.g. make a worker process die mid-video, as a
/// crashing decoder would). The library only calls the hooks; what they do is the caller's.
public struct FaultHooks: Sendable {
    /// Called with the video's path after each decoded frame of a distributed decoder.
    public var decodedFrame: (@Sendable (_ videoPath: String) -> Void)?

    public init(decodedFrame: (@Sendable (_ videoPath: String) -> Void)? = nil) {
        self.decodedFrame = decodedFrame
    }
}
