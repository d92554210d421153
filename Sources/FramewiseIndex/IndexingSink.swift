import FramewiseCore

/// The `ResultSink` an index run writes to: each finished video's frames are read (top-K and
/// features), clustered and added to the store in one transaction, so the index grows as videos
/// finish. Failed videos are remembered, not indexed.
public actor IndexingSink: ResultSink {
    private let store: IndexStore
    private let settings: IndexSettings
    /// Paths of the videos indexed, in the order they finished.
    public private(set) var indexed: [String] = []
    /// Failed videos with their error.
    public private(set) var failed: [(video: String, error: String)] = []
    /// Frames and clusters added.
    public private(set) var frames = 0
    public private(set) var clusters = 0

    public init(store: IndexStore, settings: IndexSettings) {
        self.store = store
        self.settings = settings
    }

    public func write(_ result: VideoResult) async throws {
        guard result.status == .ok else {
            failed.append((result.video, result.error ?? "failed"))
            return
        }
        let video = IndexedVideo.clustered(path: result.video, frames: try FrameOutputs.frames(of: result, settings: settings),
                                           configuration: settings.clustering, cheapSeconds: FrameOutputs.cost(of: result))
        try store.add(video)
        indexed.append(result.video)
        frames += video.frames.count
        clusters += video.clusters.count
    }

    public func finish() async throws {}
}
