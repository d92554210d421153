import FramewisePlanner

/// A capacity plan (`framewise plan --json`) as tables: one row per stage, then the devices.
public enum PlanSection {
    public static func html(_ plan: CapacityPlan) -> String {
        let unit = plan.device.kind == .gpu ? "GPUs" : "workers"
        var rows = HTMLTable(id: "plan-stages", header: [.text("stage"), .text("model"), .number("items/s"), .number("budget"), .number("batch"),
                                                         .number("instances"), .number(unit), .number("duty cycle"), .number("capacity/s"),
                                                         .number("worst case")])
        for r in plan.rows {
            rows.add([.text(r.stage), .text(r.model), .number(Markup.number(r.rate)), .number(Markup.duration(r.latencyBudget)),
                      .number(String(r.batchSize)), .number(String(r.instances)), .number(Markup.number(r.devices)),
                      .number(Markup.duration(r.dutyCycle)), .number(Markup.number(r.predictedThroughput)),
                      .number(Markup.duration(r.worstCaseLatency))], attributes: "class=\"plan-row\"")
        }
        var devices = HTMLTable(id: "plan-devices", header: [.text(plan.device.kind == .gpu ? "GPU" : "worker"), .text("sessions"),
                                                             .number("duty cycle"), .text("saturated")])
        for d in plan.allocations {
            let sessions = d.sessions.map { "\($0.sessionID) batch \($0.batchSize) (\(Markup.duration($0.batchLatency)))" }.joined(separator: " + ")
            devices.add([.number(String(d.index)), .text(sessions), .number(Markup.duration(d.dutyCycle)), .text(d.isSaturated ? "yes" : "no")])
        }
        var lines = ["Plan for \(Markup.number(plan.rate)) videos/s with an SLO of \(Markup.duration(plan.slo)) on \(plan.device.name) "
                     + "(\(plan.device.kind.rawValue)): \(plan.deviceCount) \(unit) (lower bound \(Markup.number(plan.lowerBound))), "
                     + "worst-case latency \(Markup.duration(plan.worstCaseLatency))."]
        if let capacity = plan.predictedCapacity { lines.append("Predicted capacity: \(Markup.number(capacity)) videos/s.") }
        if let d = plan.decode {
            lines.append("Decoding: \(Markup.duration(d.secondsPerVideo)) CPU per video, \(Markup.number(d.cores)) cores at the plan's rate.")
        }
        return lines.map { "<p class=\"note\">\(Markup.escape($0))</p>" }.joined() + rows.html + devices.html
    }
}
