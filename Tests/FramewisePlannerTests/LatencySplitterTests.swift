import FramewisePlanner
import Testing

@Suite("LatencySplitter")
struct LatencySplitterTests {
    struct Graph: Sendable, CustomTestStringConvertible {
        var name: String
        /// (stage, model, inputs, rate multiplier)
        var stages: [(String, String, [String], Double)]
        var seriesParallel = true
        var testDescription: String { name }
    }

    static let graphs: [Graph] = [
        Graph(name: "chain", stages: [("s1", "A", [], 1), ("s2", "B", ["s1"], 3), ("s3", "C", ["s2"], 0.5)]),
        Graph(name: "diamond", stages: [
            ("a", "A", [], 1), ("b", "B", ["a"], 2), ("c", "C", ["a"], 1), ("d", "A", ["b", "c"], 1),
        ]),
        Graph(name: "unequal fork-join", stages: [
            ("a", "C", [], 1), ("b", "B", ["a"], 4), ("c", "A", ["b"], 4), ("d", "C", ["a"], 1), ("e", "A", ["c", "d"], 1),
        ]),
        Graph(name: "tree", stages: [("a", "A", [], 1), ("b", "B", ["a"], 5), ("c", "C", ["a"], 2)]),
        Graph(name: "two sources join", stages: [("a", "A", [], 1), ("b", "C", [], 2), ("c", "B", ["a", "b"], 1)]),
        Graph(name: "single", stages: [("a", "B", [], 2)]),
        Graph(name: "N (not series-parallel)", stages: [
            ("a", "A", [], 1), ("b", "B", [], 2), ("c", "C", ["a", "b"], 1), ("d", "A", ["b"], 3),
        ], seriesParallel: false),
    ]

    static func splitter(_ graph: Graph, slo: Double, segments: Int) -> LatencySplitter {
        var splitter = LatencySplitter(slo: slo, segments: segments)
        for (name, model, inputs, multiplier) in graph.stages {
            splitter.addStage(name: name, profile: Nexus.named(model), inputs: inputs, rateMultiplier: multiplier)
        }
        return splitter
    }

    /// All source-to-sink paths as stage indices.
    static func paths(_ graph: Graph) -> [[Int]] {
        let names = graph.stages.map(\.0)
        let parents = graph.stages.map { $0.2.map { names.firstIndex(of: $0)! } }
        let sinks = names.indices.filter { i in !parents.contains { $0.contains(i) } }
        func back(_ node: Int) -> [[Int]] {
            parents[node].isEmpty ? [[node]] : parents[node].flatMap { back($0).map { $0 + [node] } }
        }
        return sinks.flatMap(back)
    }

    /// Exhaustive search over every assignment of segments.
    static func bruteForce(_ graph: Graph, costs: [[Double]], segments: Int) -> Double {
        let paths = paths(graph)
        var assignment = Array(repeating: 0, count: graph.stages.count)
        var best = Double.infinity
        func visit(_ i: Int) {
            if i == assignment.count {
                guard paths.allSatisfy({ $0.reduce(0) { $0 + assignment[$1] } <= segments }) else { return }
                best = min(best, assignment.indices.reduce(0) { $0 + costs[$1][assignment[$1]] })
                return
            }
            for k in 0...segments {
                assignment[i] = k
                visit(i + 1)
            }
        }
        visit(0)
        return best
    }

    @Test(arguments: graphs, [(0.9, 9), (1.2, 12), (0.75, 10)])
    func dynamicProgramMatchesBruteForce(graph: Graph, grid: (slo: Double, segments: Int)) throws {
        let splitter = Self.splitter(graph, slo: grid.slo, segments: grid.segments)
        let rate = 100.0
        let split = try splitter.split(rate: rate)
        let reference = Self.bruteForce(graph, costs: try splitter.costTable(rate: rate), segments: grid.segments)
        #expect(split.isExact == graph.seriesParallel)
        if graph.seriesParallel {
            #expect(close(split.totalCost, reference))
        } else {
            #expect(split.totalCost >= reference - 1e-9)
        }
        // Budgets along every path fit the SLO, and the reported cost is the budgets' cost.
        for path in Self.paths(graph) {
            #expect(path.reduce(0) { $0 + split.budgets[$1].segments } <= grid.segments)
        }
        #expect(close(split.budgets.reduce(0) { $0 + $1.cost }, split.totalCost))
    }

    @Test func fanOutScalesStageRates() throws {
        let graph = Self.graphs[0]
        let split = try Self.splitter(graph, slo: 1, segments: 20).split(rate: 10)
        #expect(split.budgets.map(\.rate) == [10, 30, 5])
    }

    @Test func sloBelowCriticalPathThrows() {
        // Every stage needs at least 2 * l(1): 100 + 100 + 120 ms along the chain.
        let splitter = Self.splitter(Self.graphs[0], slo: 0.3, segments: 30)
        #expect(throws: PlannerError.sloBelowMinimumLatency(model: "pipeline", slo: 0.3, minimum: 0.32)) {
            try splitter.split(rate: 1)
        }
    }

    @Test(arguments: [
        ([("a", "A", ["b"], 1.0), ("b", "B", ["a"], 1.0)], "cycle"),
        ([("a", "A", ["x"], 1.0)], "unknown"),
        ([("a", "A", [], 1.0), ("a", "B", [], 1.0)], "twice"),
        ([("a", "A", [], -1.0)], "multiplier"),
    ] as [([(String, String, [String], Double)], String)])
    func malformedGraphsThrow(stages: [(String, String, [String], Double)], fragment: String) {
        let splitter = Self.splitter(Graph(name: "bad", stages: stages), slo: 1, segments: 10)
        do {
            _ = try splitter.split(rate: 1)
            Issue.record("expected an error")
        } catch {
            guard case .invalidPipeline(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains(fragment))
        }
    }
}
