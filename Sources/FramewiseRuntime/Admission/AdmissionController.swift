/// Decides when an arrived video enters the engine (pure state machine; times are the caller's
/// clock in seconds, so tests drive it with made-up times).
///
/// A video is admitted, in arrival order, when fewer than `maxInFlight` videos are in flight and
/// the frames already inside the pipeline (decoded, not yet through every stage) are below
/// `frameBudget`: new work enters only when the stages can absorb it, and the excess waits here,
/// not in the stage queues. With nothing in flight the next video is always admitted, so a
/// budget smaller than one video's frames never stalls the run.
struct AdmissionController {
    /// Most videos in the engine at once (closed loop when every video arrives at the start).
    let maxInFlight: Int
    /// Most frames inside the pipeline before a new video waits (nil: no frame limit).
    let frameBudget: Int?

    /// One admitted video, with when it arrived and when it was admitted.
    struct Admitted: Equatable {
        let video: Int
        let arrivedAt: Double
        let admittedAt: Double
        /// Seconds it waited at admission.
        var waited: Double { admittedAt - arrivedAt }
    }

    private var waiting: [(video: Int, at: Double)] = []
    private var head = 0
    private(set) var inFlight: Set<Int> = []
    private(set) var framesInPipeline = 0
    /// The largest `framesInPipeline` seen (for reports and tests).
    private(set) var peakFrames = 0

    init(maxInFlight: Int, frameBudget: Int? = nil) {
        self.maxInFlight = max(1, maxInFlight)
        self.frameBudget = frameBudget.map { max(1, $0) }
    }

    /// Videos that arrived and wait for admission.
    var waitingCount: Int { waiting.count - head }

    /// `video` arrived at `now`; returns the videos admitted as a result (this one or none).
    mutating func arrived(_ video: Int, now: Double) -> [Admitted] {
        waiting.append((video, now))
        return admit(now: now)
    }

    /// `video` left the engine (result or failure) at `now`, taking `frames` still counted with it.
    mutating func finished(_ video: Int, remainingFrames frames: Int = 0, now: Double) -> [Admitted] {
        inFlight.remove(video)
        framesInPipeline = max(0, framesInPipeline - frames)
        return admit(now: now)
    }

    /// `delta` frames entered (positive: decoded) or left (negative: through every stage) the pipeline.
    mutating func frames(_ delta: Int, now: Double) -> [Admitted] {
        framesInPipeline = max(0, framesInPipeline + delta)
        peakFrames = max(peakFrames, framesInPipeline)
        return delta < 0 ? admit(now: now) : []
    }

    private var hasRoom: Bool {
        guard !inFlight.isEmpty else { return true }
        guard inFlight.count < maxInFlight else { return false }
        return frameBudget.map { framesInPipeline < $0 } ?? true
    }

    private mutating func admit(now: Double) -> [Admitted] {
        var out: [Admitted] = []
        while head < waiting.count, hasRoom {
            let next = waiting[head]
            head += 1
            inFlight.insert(next.video)
            out.append(Admitted(video: next.video, arrivedAt: next.at, admittedAt: now))
        }
        if head > 64, head * 2 > waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        return out
    }
}
