extension PackingResult {
    /// Lays out the devices (saturated first, then shared) and each session's plan.
    init(sessions: [SessionRequirement], splits: [SessionSplit], state: MergeState) {
        var allocations: [GPUAllocation] = []
        var plans: [SessionPlan] = []
        for (session, split) in zip(sessions, splits) {
            let b = split.saturatedBatch
            let l = split.table.latency[b]
            for _ in 0..<split.saturatedGPUs {
                let running = GPUSession(
                    sessionID: session.id, batchSize: b, batchLatency: l, rate: Double(b) / l,
                    memoryBytes: split.table.memory[b])
                allocations.append(GPUAllocation(index: allocations.count, dutyCycle: l, sessions: [running], isSaturated: true))
            }
            plans.append(SessionPlan(
                sessionID: session.id, modelName: session.profile.modelName, rate: session.rate, slo: session.slo,
                saturatedGPUs: split.saturatedGPUs, saturatedBatchSize: split.saturatedGPUs > 0 ? b : nil,
                saturatedBatchLatency: split.saturatedGPUs > 0 ? l : 0,
                throughputPerSaturatedGPU: Double(b) / l, residual: nil,
                perItemOverhead: split.table.overhead))
        }
        for node in state.nodes where !node.removed {
            let gpuIndex = allocations.count
            var running: [GPUSession] = []
            for member in node.members {
                let load = state.loads[member]
                let b = state.batch(of: member, dutyCycle: node.dutyCycle, alone: node.members.count == 1)
                let l = load.table.latency[b]
                let id = sessions[load.session].id
                running.append(GPUSession(
                    sessionID: id, batchSize: b, batchLatency: l, rate: load.rate, memoryBytes: load.table.memory[b]))
                plans[load.session].residual = ResidualAssignment(
                    gpuIndex: gpuIndex, batchSize: b, dutyCycle: node.dutyCycle, rate: load.rate,
                    gpuShare: l / node.dutyCycle, worstCaseLatency: node.dutyCycle + l + load.table.overhead,
                    capacity: Double(b) / node.dutyCycle)
            }
            allocations.append(GPUAllocation(index: gpuIndex, dutyCycle: node.dutyCycle, sessions: running, isSaturated: false))
        }
        self.allocations = allocations
        self.sessions = plans
    }
}
