import FramewiseCore

/// What each sampling policy should select, computed from ffprobe's frame list, written independently of
/// the decoder's state machine (a search per tick / target instead of a running counter).
enum ExpectedSampling {
    static let epsilon = 1e-6

    /// Source indices a policy selects from presentation times (seconds from the stream start).
    static func indices(_ policy: SamplingPolicy, times: [Double], keys: [Int], duration: Double) -> [Int] {
        switch policy {
        case .everyFrame: return Array(times.indices)
        case let .everyNth(n): return times.indices.filter { $0 % n == 0 }
        case .keyframes: return keys
        case let .fps(rate):
            guard let last = times.last else { return [] }
            var picked: [Int] = []
            var tick = 0
            while Double(tick) / rate <= last + epsilon {
                let target = Double(tick) / rate
                if let i = times.firstIndex(where: { $0 >= target - epsilon }), picked.last != i { picked.append(i) }
                tick += 1
            }
            return picked
        case let .uniform(k):
            var picked: [Int] = []
            for j in 0..<k {
                let target = (Double(j) + 0.5) * duration / Double(k)
                let i = times.firstIndex(where: { $0 >= target - epsilon }) ?? (times.count - 1)
                if picked.last != i { picked.append(i) }
            }
            return picked
        }
    }
}
