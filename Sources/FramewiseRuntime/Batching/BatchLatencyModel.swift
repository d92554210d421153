/// A model's batch latency as `duration ≈ a·n + b` (per-item cost `a`, fixed cost `b`), fitted by
/// least squares over the most recent observations (BentoML's dispatcher does the same).
///
/// Seed it from a profile with `init(a:b:)`; observations take over once they span at least two
/// batch sizes. Before that, a seed's slope is kept and only the intercept follows the data.
public struct BatchLatencyModel: Sendable, Equatable {
    /// Observations needed, over at least two batch sizes, before the fit is trusted.
    public static let minimumObservations = 4

    /// How many recent observations the fit uses.
    public let window: Int
    private var sizes: [Double] = []
    private var seconds: [Double] = []
    private var next = 0
    private var seed: (a: Double, b: Double)?
    private var fit: (a: Double, b: Double)?
    private var fitFromData = false
    /// Mean size and seconds while the data cannot separate `a` from `b`.
    private var sparse: (size: Double, seconds: Double)?

    /// An empty model that learns from `observe`; keeps the last `window` observations.
    public init(window: Int = 64) {
        self.window = max(2, window)
    }

    /// A model seeded with `a` per item and `b` per batch, e.g. from a profile.
    public init(a: Duration, b: Duration, window: Int = 64) {
        self.init(window: window)
        seed = (max(0, BatchTime.seconds(a)), max(0, BatchTime.seconds(b)))
        fit = seed
    }

    public static func == (l: BatchLatencyModel, r: BatchLatencyModel) -> Bool {
        l.window == r.window && l.sizes == r.sizes && l.seconds == r.seconds
            && l.seed?.a == r.seed?.a && l.seed?.b == r.seed?.b
    }

    /// Per-item cost `a` of the current fit (zero when nothing is known).
    public var a: Duration { BatchTime.duration(fit?.a ?? 0) }
    /// Fixed per-batch cost `b` of the current fit (zero when nothing is known).
    public var b: Duration { BatchTime.duration(fit?.b ?? 0) }
    /// Observations currently in the window.
    public var observationCount: Int { sizes.count }
    /// Whether predictions rest on data: enough observations over two sizes, or a seed.
    public var hasEnoughData: Bool { fitFromData || seed != nil }
    /// Whether any prediction is possible (a seed or at least one observation).
    public var isKnown: Bool { fit != nil }

    /// Predicted duration of a batch of `size` (zero when nothing is known).
    public func predictedLatency(batchSize size: Int) -> Duration {
        BatchTime.duration(predictedSeconds(batchSize: size))
    }

    /// Predicted seconds for a batch of `size`.
    func predictedSeconds(batchSize size: Int) -> Double {
        guard let fit else { return 0 }
        return fit.a * Double(max(0, size)) + fit.b
    }

    /// Seconds of instance time per request at batch size `size`, never optimistic: the fit's
    /// `(a·n + b)/n` once it has enough data (or a seed); before that, from the mean observation
    /// (n̄, ȳ), `ȳ / min(n, n̄)`: smaller batches assumed no cheaper than n̄, larger ones no more
    /// efficient. Nil when nothing is known.
    public func perRequestSeconds(batchSize size: Int) -> Double? {
        let n = Double(max(1, size))
        if hasEnoughData { return predictedSeconds(batchSize: size) / n }
        guard let sparse else { return nil }
        return sparse.seconds / min(n, max(1, sparse.size))
    }

    /// Records that a batch of `size` took `duration`, and refits.
    public mutating func observe(batchSize size: Int, duration: Duration) {
        guard size > 0 else { return }
        let y = max(0, BatchTime.seconds(duration))
        if sizes.count < window {
            sizes.append(Double(size))
            seconds.append(y)
        } else {
            sizes[next] = Double(size)
            seconds[next] = y
            next = (next + 1) % window
        }
        refit()
    }

    private mutating func refit() {
        let n = Double(sizes.count)
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for i in sizes.indices {
            let x = sizes[i], y = seconds[i]
            sx += x; sy += y; sxx += x * x; sxy += x * y
        }
        let meanX = sx / n, meanY = sy / n
        let varX = sxx - sx * meanX
        fitFromData = sizes.count >= Self.minimumObservations && varX > 1e-9 * max(1, sxx)
        sparse = fitFromData ? nil : (meanX, meanY)
        guard fitFromData else {
            // One batch size seen: keep the seed's slope, or assume cost proportional to size.
            let slope = seed?.a ?? meanY / max(meanX, 1)
            let intercept = seed == nil ? 0 : max(0, meanY - slope * meanX)
            fit = (slope, intercept)
            return
        }
        var slope = (sxy - sx * meanY) / varX
        var intercept = meanY - slope * meanX
        if slope < 0 {
            slope = 0
            intercept = meanY
        } else if intercept < 0 {
            intercept = 0
            slope = sxy / sxx
        }
        fit = (slope, intercept)
    }
}
