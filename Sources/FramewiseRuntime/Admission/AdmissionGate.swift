import Synchronization

/// The engine's side of an `AdmissionController`: thread-safe, records each video's arrival and
/// admission time, and hands admitted videos to the decoders through `admitted`.
final class AdmissionGate: Sendable {
    /// A video let in, with the engine-clock seconds it arrived and was admitted at.
    typealias Admitted = AdmissionController.Admitted

    let admitted: AsyncStream<Admitted>
    private let continuation: AsyncStream<Admitted>.Continuation
    private let state: Mutex<State>

    fileprivate struct State {
        var controller: AdmissionController
        var times: [Int: Admitted] = [:]
        var admittedCount = 0
        /// Videos that will arrive in all (nil: not known yet, a feed still open).
        var total: Int?
    }

    /// `total`: videos that will arrive (nil: open-ended until `close(total:)`); the `admitted`
    /// stream ends once all were admitted.
    init(total: Int?, maxInFlight: Int, frameBudget: Int?) {
        (admitted, continuation) = AsyncStream.makeStream(of: Admitted.self)
        state = Mutex(State(controller: AdmissionController(maxInFlight: maxInFlight, frameBudget: frameBudget), total: total))
        if total == 0 { continuation.finish() }
    }

    /// No more videos will arrive than the `total` arrived so far: the `admitted` stream ends
    /// once they are all admitted.
    func close(total: Int) {
        let done = state.withLock { state -> Bool in
            state.total = total
            return state.admittedCount >= total
        }
        if done { continuation.finish() }
    }

    /// Drops what is kept about a finished video (a long-lived feed keeps nothing per past video).
    func forget(_ video: Int) { state.withLock { _ = $0.times.removeValue(forKey: video) } }

    func arrived(_ video: Int, now: Double) { hand(state.withLock { $0.apply { $0.arrived(video, now: now) } }) }

    func frames(_ delta: Int, now: Double) { hand(state.withLock { $0.apply { $0.frames(delta, now: now) } }) }

    func finished(_ video: Int, remainingFrames: Int, now: Double) {
        hand(state.withLock { $0.apply { $0.finished(video, remainingFrames: remainingFrames, now: now) } })
    }

    /// When `video` arrived and was admitted (nil before its admission).
    func times(of video: Int) -> Admitted? { state.withLock { $0.times[video] } }

    /// Videos admitted and not yet finished.
    var inFlightCount: Int { state.withLock { $0.controller.inFlight.count } }

    /// The most frames that were inside the pipeline at once.
    var peakFrames: Int { state.withLock { $0.controller.peakFrames } }

    private func hand(_ result: (admitted: [Admitted], done: Bool)) {
        for a in result.admitted { continuation.yield(a) }
        if result.done { continuation.finish() }
    }
}

extension AdmissionGate.State {
    /// Runs one controller event; records the admissions and says whether every video is now admitted.
    fileprivate mutating func apply(_ event: (inout AdmissionController) -> [AdmissionController.Admitted])
        -> (admitted: [AdmissionController.Admitted], done: Bool)
    {
        let out = event(&controller)
        guard !out.isEmpty else { return (out, false) }
        for a in out { times[a.video] = a }
        admittedCount += out.count
        return (out, total.map { admittedCount >= $0 } ?? false)
    }
}
