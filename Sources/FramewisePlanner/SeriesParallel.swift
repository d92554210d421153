/// A pipeline DAG as a series-parallel tree: series parts run one after another, parallel parts
/// side by side with a join that waits for the slowest.
indirect enum SPTree: Sendable, Equatable {
    case stage(Int)
    case series([SPTree])
    case parallel([SPTree])
}

/// Decomposes a stage DAG into an `SPTree`.
///
/// Parallel: the weakly connected components of a node set. Series: the smallest topological
/// prefix whose every node is an ancestor of every node after it (such prefixes are nested, so
/// the smallest is unique). A DAG that is not series-parallel (e.g. A->C, B->C, B->D) is
/// serialized conservatively: its sources run as a parallel group before the rest, which only
/// makes stages wait longer than they must, so budgets stay safe; `exact` is then false.
enum SeriesParallel {
    static func decompose(parents: [[Int]], order: [Int]) -> (tree: SPTree, exact: Bool) {
        var exact = true
        let tree = decompose(Set(parents.indices), parents: parents, order: order, exact: &exact)
        return (tree, exact)
    }

    private static func decompose(_ nodes: Set<Int>, parents: [[Int]], order: [Int], exact: inout Bool) -> SPTree {
        if nodes.count == 1, let only = nodes.first { return .stage(only) }
        let local = order.filter(nodes.contains)
        let components = weakComponents(local, parents: parents, nodes: nodes)
        if components.count > 1 {
            return flatten(.parallel(components.map { decompose($0, parents: parents, order: order, exact: &exact) }))
        }
        // descendants[x]: nodes of the set reachable from x within the set.
        var descendants: [Int: Set<Int>] = [:]
        for node in local.reversed() { descendants[node] = [] }
        for node in local.reversed() {
            for p in parents[node] where nodes.contains(p) {
                descendants[p, default: []].insert(node)
                descendants[p]!.formUnion(descendants[node] ?? [])
            }
        }
        var head: Set<Int> = []
        for k in 1..<local.count {
            let prefix = local[..<k]
            let rest = local[k...]
            if prefix.allSatisfy({ x in rest.allSatisfy { descendants[x]!.contains($0) } }) {
                head = Set(prefix)
                break
            }
        }
        if head.isEmpty {
            exact = false
            head = Set(local.filter { node in !parents[node].contains(where: nodes.contains) })
        }
        let first = decompose(head, parents: parents, order: order, exact: &exact)
        let second = decompose(nodes.subtracting(head), parents: parents, order: order, exact: &exact)
        return flatten(.series([first, second]))
    }

    private static func weakComponents(_ local: [Int], parents: [[Int]], nodes: Set<Int>) -> [Set<Int>] {
        var root: [Int: Int] = [:]
        for node in local { root[node] = node }
        func find(_ x: Int) -> Int {
            var x = x
            while root[x]! != x { x = root[x]! }
            return x
        }
        for node in local {
            for p in parents[node] where nodes.contains(p) { root[find(p)] = find(node) }
        }
        var groups: [Int: Set<Int>] = [:]
        var firstSeen: [Int] = []
        for node in local {
            let r = find(node)
            if groups[r] == nil { firstSeen.append(r) }
            groups[r, default: []].insert(node)
        }
        return firstSeen.map { groups[$0]! }
    }

    private static func flatten(_ tree: SPTree) -> SPTree {
        switch tree {
        case .stage: return tree
        case .series(let parts):
            return .series(parts.flatMap { if case .series(let inner) = $0 { inner } else { [$0] } })
        case .parallel(let parts):
            return .parallel(parts.flatMap { if case .parallel(let inner) = $0 { inner } else { [$0] } })
        }
    }
}
