/// A shared device during merging: the residual loads it runs and its duty cycle.
struct SharedNode: Sendable {
    var dutyCycle: Double
    /// Indices into `MergeState.loads`.
    var members: [Int]
    /// Sum of the members' batch latencies at `dutyCycle`.
    var busy: Double
    /// Sum of the members' batch memory at `dutyCycle`.
    var memory: Int
    var removed = false

    var occupancy: Double { busy / dutyCycle }
}

/// The merge and consolidate steps of squishy bin packing over residual loads.
struct MergeState: Sendable {
    let loads: [ResidualLoad]
    let memoryLimit: Int?
    var nodes: [SharedNode] = []
    /// The loads' fields as flat arrays, so the inner loops touch no reference counts.
    private let rate: [Double]
    private let duty: [Double]
    private let slo: [Double]
    private let overhead: [Double]
    private let maxBatch: [Int]
    /// `latency[offset[m] + b]` and `memory[offset[m] + b]` for b in 1...maxBatch[m].
    private let offset: [Int]
    private let latency: [Double]
    private let memory: [Int]

    init(loads: [ResidualLoad], memoryLimit: Int?) {
        self.loads = loads
        self.memoryLimit = memoryLimit
        rate = loads.map(\.rate)
        duty = loads.map(\.dutyCycle)
        slo = loads.map(\.slo)
        overhead = loads.map(\.table.overhead)
        maxBatch = loads.map(\.table.maxBatch)
        var offset: [Int] = []
        var latency: [Double] = []
        var memory: [Int] = []
        for load in loads {
            offset.append(latency.count)
            latency.append(contentsOf: load.table.latency)
            memory.append(contentsOf: load.table.memory)
        }
        self.offset = offset
        self.latency = latency
        self.memory = memory
    }

    /// Batch of `load` on a device whose duty cycle is `d` (its own batch when alone on it).
    func batch(of load: Int, dutyCycle d: Double, alone: Bool) -> Int {
        alone ? loads[load].batch : loads[load].batch(dutyCycle: d)
    }

    /// Busy time of the node's members plus `extra` sharing one device at the smaller of their
    /// duty cycles, or nil when they do not fit (latency sum, batch limits, SLOs, memory).
    func fit(_ index: Int, adding extra: Int) -> (dutyCycle: Double, busy: Double, memory: Int)? {
        let d = min(nodes[index].dutyCycle, duty[extra])
        let limit = memoryLimit ?? Int.max
        var busy = 0.0
        var memory = 0
        guard add(extra, dutyCycle: d, busy: &busy, memory: &memory, limit: limit) else { return nil }
        if d == nodes[index].dutyCycle && nodes[index].members.count > 1 {
            // Same duty cycle: the members keep their batches.
            busy += nodes[index].busy
            memory += nodes[index].memory
            return busy <= d + Tolerance.time && memory <= limit ? (d, busy, memory) : nil
        }
        for m in nodes[index].members where !add(m, dutyCycle: d, busy: &busy, memory: &memory, limit: limit) {
            return nil
        }
        return (d, busy, memory)
    }

    private func add(_ m: Int, dutyCycle d: Double, busy: inout Double, memory bytes: inout Int, limit: Int) -> Bool {
        let b = max(1, Int((d * rate[m] - Tolerance.relative).rounded(.up)))  // ResidualLoad.batch(dutyCycle:)
        guard b <= maxBatch[m] else { return false }
        let l = latency[offset[m] + b]
        busy += l
        bytes += memory[offset[m] + b]
        return busy <= d + Tolerance.time
            && d + l + overhead[m] <= slo[m] + Tolerance.time
            && bytes <= limit
    }

    /// Best fit for `load`: the live node with the highest occupancy after the merge.
    func bestNode(for load: Int) -> (node: Int, fit: (dutyCycle: Double, busy: Double, memory: Int))? {
        var best: (node: Int, fit: (dutyCycle: Double, busy: Double, memory: Int))?
        var bestOccupancy = -1.0
        for index in nodes.indices where !nodes[index].removed {
            guard let fit = fit(index, adding: load) else { continue }
            if fit.busy / fit.dutyCycle > bestOccupancy {
                bestOccupancy = fit.busy / fit.dutyCycle
                best = (index, fit)
            }
        }
        return best
    }

    private mutating func place(_ load: Int, on node: Int, _ fit: (dutyCycle: Double, busy: Double, memory: Int)) {
        nodes[node].members.append(load)
        nodes[node].dutyCycle = fit.dutyCycle
        nodes[node].busy = fit.busy
        nodes[node].memory = fit.memory
    }

    /// Merge step: loads in decreasing occupancy, each into its best-fitting node or a new one.
    mutating func mergeAll() {
        let order = loads.indices.sorted { loads[$0].occupancy > loads[$1].occupancy }
        for load in order {
            if let best = bestNode(for: load) {
                place(load, on: best.node, best.fit)
            } else {
                let own = loads[load]
                nodes.append(SharedNode(
                    dutyCycle: own.dutyCycle, members: [load], busy: own.table.latency[own.batch],
                    memory: own.table.memory[own.batch]))
            }
        }
    }

    /// Consolidate step: empties the least occupied nodes into the others where all their loads
    /// fit, for up to `passes` passes. A failed attempt is rolled back from an undo log.
    mutating func consolidate(passes: Int) {
        for _ in 0..<max(0, passes) {
            var changed = false
            let order = nodes.indices.filter { !nodes[$0].removed }.sorted { nodes[$0].occupancy < nodes[$1].occupancy }
            for source in order where !nodes[source].removed {
                nodes[source].removed = true
                var undo: [(Int, SharedNode)] = []
                var moved = true
                for load in nodes[source].members {
                    guard let best = bestNode(for: load) else { moved = false; break }
                    undo.append((best.node, nodes[best.node]))
                    place(load, on: best.node, best.fit)
                }
                if moved {
                    changed = true
                } else {
                    for (index, old) in undo.reversed() { nodes[index] = old }
                    nodes[source].removed = false
                }
            }
            if !changed { break }
        }
    }
}
