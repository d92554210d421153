import FramewiseCore
import FramewisePlanner

/// Profiles of the Nexus paper's worked example (SOSP'19, Table 3), in seconds.
enum Nexus {
    static func profile(_ name: String, _ latencies: [(Int, Double)], device: String = "GPU") -> ModelProfile {
        ModelProfile(
            modelName: name, modelHash: "hash-\(name)", deviceName: device,
            entries: latencies.map { BatchProfile(batchSize: $0.0, latencyMean: $0.1, memoryBytes: 100 * $0.0) })
    }

    static let a = profile("A", [(4, 0.050), (8, 0.075), (16, 0.100)])
    static let b = profile("B", [(4, 0.050), (8, 0.090), (16, 0.125)])
    static let c = profile("C", [(4, 0.060), (8, 0.095), (16, 0.125)])

    static func named(_ name: String) -> ModelProfile {
        switch name {
        case "A": a
        case "B": b
        default: c
        }
    }
}

func close(_ x: Double, _ y: Double, tolerance: Double = 1e-9) -> Bool {
    abs(x - y) <= tolerance * max(1, abs(x), abs(y))
}
