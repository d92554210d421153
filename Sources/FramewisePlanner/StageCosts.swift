/// Per-stage cost tables over the budget grid (see `LatencySplitter`).
struct StageCosts: Sendable {
    /// `table[stage][segment]`: devices needed, `.infinity` when infeasible.
    let table: [[Double]]
    /// Smallest plannable latency per stage, seconds.
    let minimumLatency: [Double]

    init(splitter: LatencySplitter, rate: Double) throws(PlannerError) {
        guard splitter.segments >= 1, splitter.segments <= 10_000 else {
            throw .invalidArgument("segments \(splitter.segments) must be in 1...10000")
        }
        guard rate.isFinite, rate >= 0 else { throw .invalidRate(model: "pipeline", rate: rate) }
        var table: [[Double]] = []
        var minimum: [Double] = []
        for stage in splitter.stages {
            let latencies = try LatencyTable(
                profile: stage.profile, statistic: splitter.statistic, memoryLimit: splitter.deviceMemoryBytes)
            let stageRate = rate * stage.rateMultiplier
            var row: [Double] = []
            row.reserveCapacity(splitter.segments + 1)
            for k in 0...splitter.segments {
                if stageRate == 0 { row.append(0); continue }
                let throughput = latencies.throughput(budget: splitter.budget(segment: k))
                row.append(throughput > 0 ? stageRate / throughput : .infinity)
            }
            table.append(row)
            minimum.append(stageRate == 0 ? 0 : latencies.minimumPlannableLatency)
        }
        self.table = table
        self.minimumLatency = minimum
    }
}

/// The dynamic program over a series-parallel tree: `table[k]` is the least cost of the subtree
/// within `k` segments.
struct SolvedTree: Sendable {
    let table: [Double]
    private let stage: Int?
    private let children: [SolvedTree]
    /// For series nodes: `splits[i][k]` segments go to children `0..<i` when children `0...i`
    /// share `k`; child `i` gets the rest.
    private let splits: [[Int]]

    init(_ tree: SPTree, costs: [[Double]]) {
        switch tree {
        case .stage(let index):
            stage = index
            children = []
            splits = []
            // Costs are non-increasing in the budget; keep the running minimum to be sure.
            var best = Double.infinity
            table = costs[index].map { best = min(best, $0); return best }
        case .parallel(let parts):
            stage = nil
            children = parts.map { SolvedTree($0, costs: costs) }
            splits = []
            var sum = children[0].table
            for child in children.dropFirst() { for k in sum.indices { sum[k] += child.table[k] } }
            table = sum
        case .series(let parts):
            stage = nil
            children = parts.map { SolvedTree($0, costs: costs) }
            var prefix = children[0].table
            var allSplits: [[Int]] = [[]]
            for child in children.dropFirst() {
                var next = Array(repeating: Double.infinity, count: prefix.count)
                var split = Array(repeating: 0, count: prefix.count)
                for k in prefix.indices {
                    for j in 0...k where prefix[j] + child.table[k - j] < next[k] {
                        next[k] = prefix[j] + child.table[k - j]
                        split[k] = j
                    }
                }
                prefix = next
                allSplits.append(split)
            }
            splits = allSplits
            table = prefix
        }
    }

    /// Writes each stage's segments for a window of `k` segments.
    func assign(_ k: Int, into budgets: inout [Int]) {
        if let stage {
            budgets[stage] = k
        } else if splits.isEmpty {
            for child in children { child.assign(k, into: &budgets) }
        } else {
            var remaining = k
            for i in stride(from: children.count - 1, through: 1, by: -1) {
                let head = splits[i][remaining]
                children[i].assign(remaining - head, into: &budgets)
                remaining = head
            }
            children[0].assign(remaining, into: &budgets)
        }
    }
}
