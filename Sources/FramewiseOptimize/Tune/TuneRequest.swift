import FramewiseCore
import FramewisePlanner

/// What `framewise tune` is asked: the pipeline, the videos (split by the seed into a search half
/// and a held-out half), the target, and the knobs' ranges.
public struct TuneRequest: Sendable {
    public var pipelinePath: String
    public var videos: [String]
    public var target: TuneTarget
    public var seed: UInt64
    /// Input-size factors tried on models with dynamic spatial axes (1: as written).
    public var sizeFactors: [Double] = [1, 0.75, 0.5]
    /// Intra-op threads tried per model.
    public var threads: [Int] = [1]
    /// Sampling divisors tried ({fps: f} -> f / d; {every: n} -> n x d).
    public var samplingDivisors: [Int] = [1, 2, 4]
    /// Frames (over the search videos) each candidate's accuracy is measured on.
    public var accuracyFrames = 32
    /// Timed runs per batch size when profiling a candidate.
    public var iterations = 5
    /// Verification rounds (each falls back the likeliest cause of each output that disagrees).
    public var rounds = 4
    /// Timed runs of each whole-pipeline measurement (the reference on the search videos, the
    /// reference and the tuned pipeline on the held-out ones), after a warm-up; the cheapest counts.
    public var repeats = 2
    public var device: String

    public init(pipelinePath: String, videos: [String], target: TuneTarget, seed: UInt64, device: String) {
        self.pipelinePath = pipelinePath
        self.videos = videos
        self.target = target
        self.seed = seed
        self.device = device
    }

    /// The videos split by the seed: a search half (accuracy, fan-out, sampling) and a held-out
    /// half (verification). The same videos and seed always give the same split.
    public static func split(_ videos: [String], seed: UInt64) -> (search: [String], heldOut: [String]) {
        var rng = SplitMix64(seed: seed)
        var shuffled = videos.sorted()
        if shuffled.count > 1 {
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                let j = Int(rng.next() % UInt64(i + 1))
                shuffled.swapAt(i, j)
            }
        }
        let half = (shuffled.count + 1) / 2
        return (Array(shuffled[..<half]), Array(shuffled[half...]))
    }
}

/// The sampling policies tried: the pipeline's own first, then sparser ones.
enum SamplingOptions {
    static func options(_ written: SamplingPolicy, divisors: [Int]) -> [SamplingPolicy] {
        var out = [written]
        for d in divisors where d > 1 {
            switch written {
            case let .fps(f): out.append(.fps(f / Double(d)))
            case let .everyNth(n): out.append(.everyNth(n * d))
            case .everyFrame: out.append(.everyNth(d))
            case .keyframes, .uniform: break
            }
        }
        return out
    }

    /// As a pipeline writes it.
    static func yaml(_ policy: SamplingPolicy) -> String {
        switch policy {
        case .everyFrame: "every_frame"
        case .keyframes: "keyframes"
        case let .fps(f): "{fps: \(f == f.rounded() ? String(Int(f)) : String(f))}"
        case let .everyNth(n): "{every: \(n)}"
        case let .uniform(k): "{uniform: \(k)}"
        }
    }
}
