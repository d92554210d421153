import FramewiseCore

/// On CPU the planner's unit is a worker: the intra-op threads the engine gives one model
/// instance, running one batch at a time. A profile measured with other threads is in another
/// unit (a 2-thread profile on 2 cores is a 2-core figure), so plans must not mix them.
public enum WorkerThreads {
    /// A profile whose threads differ from those the model runs with.
    public struct Mismatch: Sendable, Equatable, CustomStringConvertible {
        public var model: String
        /// Threads recorded in the profile (nil: not recorded).
        public var profiled: Int?
        /// Threads the engine runs the model with.
        public var runs: Int
        public init(model: String, profiled: Int?, runs: Int) {
            self.model = model
            self.profiled = profiled
            self.runs = runs
        }
        public var description: String {
            "model '\(model)' was profiled with \(profiled.map { "\($0) intra-op thread(s)" } ?? "an unrecorded thread count"), "
                + "but the engine runs it with \(runs) per worker"
        }
    }

    /// Each model whose profile does not match the threads it runs with, in the order given.
    /// `models`: model name, its profile, and the threads the engine runs it with.
    public static func mismatches(_ models: [(model: String, profile: ModelProfile, runs: Int)]) -> [Mismatch] {
        models.compactMap { m in
            m.profile.intraOpThreads == m.runs ? nil : Mismatch(model: m.model, profiled: m.profile.intraOpThreads, runs: m.runs)
        }
    }
}
