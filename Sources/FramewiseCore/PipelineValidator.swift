/// Checks that a parsed pipeline forms a runnable DAG: every reference resolves, there are no
/// cycles, and each stage's input can feed its model. Pure: no I/O beyond what parsing did.
public enum PipelineValidator {
    /// Every issue found, each naming the field and where it was written.
    public static func validate(_ spec: PipelineSpec) -> [PipelineIssue] {
        var issues: [PipelineIssue] = []
        func fail(_ field: String, _ message: String) {
            issues.append(PipelineIssue(location: spec.location(of: field), field: field, message: message))
        }
        if spec.models.isEmpty { fail("models", "at least one model is required") }
        if spec.stages.isEmpty { fail("stages", "at least one stage is required") }
        let stages = Dictionary(spec.stages.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for stage in spec.stages {
            let field = "stages.\(stage.name)"
            guard let model = spec.model(named: stage.model) else {
                let known = spec.models.map(\.name).joined(separator: ", ")
                fail("\(field).model", "unknown model '\(stage.model)' (models: \(known))")
                continue
            }
            switch stage.input {
            case .frame:
                break
            case let .crops(source):
                guard let upstream = stages[source.stage] else {
                    fail("\(field).input.crops", "unknown stage '\(source.stage)'")
                    break
                }
                if !upstream.postprocess.producesBoxes {
                    fail("\(field).input.crops", "stage '\(source.stage)' produces no boxes (its postprocess is \(upstream.postprocess.kind); crops need centerface, yolo or text_boxes)")
                }
                if let orient = source.orient {
                    if let o = stages[orient] {
                        guard case .classify = o.postprocess else {
                            fail("\(field).input.orient", "stage '\(orient)' must use the classify postprocess to orient crops")
                            break
                        }
                        guard case let .crops(os) = o.input, os.stage == source.stage else {
                            fail("\(field).input.orient", "stage '\(orient)' must take crops of the same stage '\(source.stage)'")
                            break
                        }
                    } else {
                        fail("\(field).input.orient", "unknown stage '\(orient)'")
                    }
                }
            case let .tensors(bindings):
                for b in bindings {
                    for source in b.sources {
                        guard let upstream = stages[source.stage] else {
                            fail(b.field(stage: stage.name), "unknown stage '\(source.stage)'")
                            continue
                        }
                        if case .crops = upstream.input {
                            fail(b.field(stage: stage.name), "stage '\(source.stage)' runs on crops; tensor joins take per-frame stages")
                        }
                    }
                }
                if model.preprocess != nil {
                    fail("models.\(model.name).preprocess", "model '\(model.name)' is fed tensors by stage '\(stage.name)' and cannot also preprocess frames")
                }
            }
        }
        issues += spec.variantIssues()
        if let cycle = findCycle(spec) {
            fail("stages.\(cycle[0]).input", "stages form a cycle: \(cycle.joined(separator: " -> "))")
        }
        for item in spec.summary {
            if stages[item.stage] == nil { fail("summary.\(item.name).stage", "unknown stage '\(item.stage)'") }
            if item.value.isEmpty && item.reduce != .count { fail("summary.\(item.name).value", "missing the value to reduce (e.g. count, scores.LABEL)") }
        }
        return issues
    }

    /// A cycle among stage dependencies as a path that returns to its start, or nil.
    static func findCycle(_ spec: PipelineSpec) -> [String]? {
        let deps = Dictionary(spec.stages.map { ($0.name, $0.dependencies) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var path: [String] = []
        func visit(_ node: String) -> [String]? {
            if state[node] == 2 { return nil }
            if state[node] == 1 {
                let start = path.firstIndex(of: node) ?? 0
                return Array(path[start...]) + [node]
            }
            state[node] = 1
            path.append(node)
            for d in deps[node] ?? [] where deps[d] != nil {
                if let c = visit(d) { return c }
            }
            path.removeLast()
            state[node] = 2
            return nil
        }
        for stage in spec.stages {
            if let c = visit(stage.name) { return c }
        }
        return nil
    }
}

extension PipelineSpec {
    /// Stages grouped into levels: each level depends only on earlier levels, so the stages
    /// of one level may run concurrently. Requires a validated (acyclic) pipeline.
    public var stageLevels: [[StageSpec]] {
        var level: [String: Int] = [:]
        func depth(_ s: StageSpec, _ guardCount: Int) -> Int {
            if let l = level[s.name] { return l }
            guard guardCount < stages.count else { return 0 }
            let d = s.dependencies.compactMap { stage(named: $0) }.map { depth($0, guardCount + 1) + 1 }.max() ?? 0
            level[s.name] = d
            return d
        }
        for s in stages { _ = depth(s, 0) }
        let maxLevel = level.values.max() ?? 0
        return (0...maxLevel).map { l in stages.filter { level[$0.name] == l } }.filter { !$0.isEmpty }
    }
}
