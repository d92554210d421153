import FramewiseCore
import Synchronization

/// The server's `ResultSink`: each result goes straight into the job repository under the video
/// it belongs to (the engine writes a run's results in input order, so the n-th result is the
/// n-th claimed video), then waiting event streams are woken.
final class RepositorySink: ResultSink {
    private let videos: [ClaimedVideo]
    private let repository: any JobRepository
    private let changes: ChangeSignal
    private let state = Mutex((next: 0, settled: Set<Int64>()))

    init(videos: [ClaimedVideo], repository: any JobRepository, changes: ChangeSignal) {
        self.videos = videos
        self.repository = repository
        self.changes = changes
    }

    /// Videos that need nothing more: their result is stored (now or before) or their job is gone.
    var settled: Set<Int64> { state.withLock { $0.settled } }

    func write(_ result: VideoResult) async throws {
        let index = state.withLock { state -> Int in
            defer { state.next += 1 }
            return state.next
        }
        guard index < videos.count else { return }
        let video = videos[index].id
        _ = try await repository.storeResult(video: video, status: result.status.rawValue, json: result.json.jsonText)
        state.withLock { _ = $0.settled.insert(video) }
        changes.notify()
    }

    func finish() async throws {}
}
