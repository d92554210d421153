import FramewiseCore

/// Requests per pipeline input (video) at each stage, for planning: frames per video from the
/// sampling policy and an assumed video length, times the fan-out of crop stages.
public struct StageRates: Sendable, Equatable {
    /// One stage's planning inputs.
    public struct Stage: Sendable, Equatable {
        /// Stage name.
        public var name: String
        /// The pipeline's model name.
        public var model: String
        /// Stages it waits for.
        public var inputs: [String]
        /// Requests per video.
        public var perVideo: Double
    }

    /// Assumptions behind the numbers.
    public struct Assumptions: Sendable, Equatable {
        /// Seconds per video.
        public var videoSeconds: Double
        /// Frames per second of the source videos (for every-frame and every-Nth sampling).
        public var sourceFPS: Double
        /// Seconds between keyframes (for keyframe sampling).
        public var keyframeSeconds: Double
        /// Items per parent item of crop stages (default 1).
        public var fanout: [String: Double]

        public init(videoSeconds: Double = 10, sourceFPS: Double = 30, keyframeSeconds: Double = 2, fanout: [String: Double] = [:]) {
            self.videoSeconds = videoSeconds
            self.sourceFPS = sourceFPS
            self.keyframeSeconds = keyframeSeconds
            self.fanout = fanout
        }
    }

    /// Stages in declaration order.
    public var stages: [Stage]
    /// Sampled frames per video.
    public var framesPerVideo: Double
    /// Assumptions a reader should know about (e.g. a default fan-out of 1).
    public var notes: [String]

    /// Rates for `spec` under `assumptions`; a stage's parents are resolved before it, whatever
    /// the declaration order.
    public init(spec: PipelineSpec, assumptions: Assumptions = .init()) {
        let a = assumptions
        let frames: Double = switch spec.sampling {
        case .everyFrame: a.sourceFPS * a.videoSeconds
        case let .fps(n): min(n, a.sourceFPS) * a.videoSeconds
        case let .everyNth(n): (a.sourceFPS * a.videoSeconds / Double(max(1, n))).rounded(.up)
        case .keyframes: (a.videoSeconds / max(a.keyframeSeconds, 1e-9)).rounded(.up)
        case let .uniform(k): Double(k)
        }
        var notes = ["\(Self.format(frames)) frames per video: \(spec.sampling) over \(Self.format(a.videoSeconds)) s videos"
                     + (spec.sampling == .keyframes ? " with a keyframe every \(Self.format(a.keyframeSeconds)) s" : "")]
        var perVideo: [String: Double] = [:]
        var remaining = spec.stages
        while !remaining.isEmpty {
            let before = remaining.count
            remaining.removeAll { stage in
                let parents = stage.dependencies
                guard parents.allSatisfy({ perVideo[$0] != nil }) else { return false }
                switch stage.input {
                case .frame:
                    perVideo[stage.name] = frames
                case let .crops(source):
                    let n = a.fanout[stage.name] ?? 1
                    if a.fanout[stage.name] == nil {
                        notes.append("stage '\(stage.name)': assumed 1 crop per '\(source.stage)' item; set --fanout \(stage.name)=N")
                    }
                    perVideo[stage.name] = (perVideo[source.stage] ?? 0) * n
                case .tensors:
                    perVideo[stage.name] = parents.compactMap { perVideo[$0] }.max() ?? frames
                }
                return true
            }
            if remaining.count == before { break }  // a cycle; the validator rejects these earlier
        }
        self.stages = spec.stages.map { Stage(name: $0.name, model: $0.model, inputs: $0.dependencies, perVideo: perVideo[$0.name] ?? 0) }
        self.framesPerVideo = frames
        self.notes = notes
    }

    private static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
