/// Graph helpers shared by the pipeline and the splitter.
enum StageGraph {
    /// Resolves input names to indices and rejects empty, duplicate, dangling or cyclic graphs.
    static func parents(names: [String], inputs: [[String]], rates: [Double]) throws(PlannerError) -> [[Int]] {
        guard !names.isEmpty else { throw .invalidPipeline(reason: "no stages") }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            guard index.updateValue(i, forKey: name) == nil else {
                throw .invalidPipeline(reason: "stage '\(name)' appears twice")
            }
        }
        var parents: [[Int]] = []
        for (i, list) in inputs.enumerated() {
            guard rates[i].isFinite, rates[i] >= 0 else {
                throw .invalidPipeline(reason: "stage '\(names[i])' has rate multiplier \(rates[i])")
            }
            var resolved: [Int] = []
            for input in list {
                guard let p = index[input] else {
                    throw .invalidPipeline(reason: "stage '\(names[i])' reads unknown stage '\(input)'")
                }
                if !resolved.contains(p) { resolved.append(p) }
            }
            parents.append(resolved)
        }
        _ = try topologicalOrder(parents: parents, names: names)
        return parents
    }

    /// Kahn's algorithm; throws on a cycle.
    static func topologicalOrder(parents: [[Int]], names: [String]) throws(PlannerError) -> [Int] {
        var remaining = parents.map(\.count)
        var children = Array(repeating: [Int](), count: parents.count)
        for (child, list) in parents.enumerated() { for p in list { children[p].append(child) } }
        var ready = remaining.indices.filter { remaining[$0] == 0 }
        var order: [Int] = []
        while let node = ready.popLast() {
            order.append(node)
            for c in children[node] {
                remaining[c] -= 1
                if remaining[c] == 0 { ready.append(c) }
            }
        }
        guard order.count == parents.count else {
            let stuck = remaining.indices.filter { remaining[$0] > 0 }.map { names[$0] }
            throw .invalidPipeline(reason: "cycle through \(stuck.joined(separator: ", "))")
        }
        return order
    }

    /// Longest path of per-node `weights` through the DAG.
    static func longestPath(parents: [[Int]], weights: [Double], order: [Int]) -> Double {
        var finish = Array(repeating: 0.0, count: parents.count)
        for node in order {
            finish[node] = (parents[node].map { finish[$0] }.max() ?? 0) + weights[node]
        }
        return finish.max() ?? 0
    }
}
