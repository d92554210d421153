/// How a pipeline's stages feed each other.
struct StageWiring: Sendable {
    /// Stage -> the stages that read it.
    let downstream: [String: [String]]
    /// Stage -> the stages it reads.
    let dependencies: [String: Set<String>]
    /// Stages that read the frame itself.
    let roots: [String]

    init(_ pipeline: LoadedPipeline) {
        var down: [String: [String]] = [:]
        var deps: [String: Set<String>] = [:]
        for stage in pipeline.stages {
            deps[stage.spec.name] = Set(stage.spec.dependencies)
            for d in Set(stage.spec.dependencies) { down[d, default: []].append(stage.spec.name) }
        }
        downstream = down
        dependencies = deps
        roots = pipeline.stages.filter { deps[$0.spec.name, default: []].isEmpty }.map(\.spec.name)
    }

    /// `stage` and every stage downstream of it.
    func closure(of stage: String) -> [String] {
        var seen: [String] = []
        var queue = [stage]
        while let next = queue.popLast() {
            guard !seen.contains(next) else { continue }
            seen.append(next)
            queue += downstream[next] ?? []
        }
        return seen
    }
}
