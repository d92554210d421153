import FramewiseCore
import Foundation
import FramewisePlanner
import Testing

@Suite("ModelProfile")
struct ModelProfileTests {
    @Test(arguments: [
        (1, 0.050), (4, 0.050), (6, 0.0625), (8, 0.075), (12, 0.0875), (16, 0.100),
    ])
    func interpolatesLatency(batch: Int, expected: Double) throws {
        #expect(close(try Nexus.a.latency(batch: batch), expected))
    }

    @Test(arguments: [(LatencyStatistic.mean, 0.010), (.p99, 0.015)])
    func latencyStatisticIsAParameter(statistic: LatencyStatistic, expected: Double) throws {
        let profile = ModelProfile(modelName: "m", deviceName: "d", entries: [
            BatchProfile(batchSize: 1, latencyMean: 0.010, latencyStd: 0.002, latencyP99: 0.015),
        ])
        #expect(try profile.latency(batch: 1, statistic: statistic) == expected)
    }

    @Test func defaultStatisticIsP99() throws {
        let profile = ModelProfile(modelName: "m", deviceName: "d", entries: [
            BatchProfile(batchSize: 2, latencyMean: 0.010, latencyP99: 0.020),
        ])
        #expect(try profile.latency(batch: 2) == 0.020)
        #expect(profile.maxBatch == 2)
    }

    @Test(arguments: [0, -1, 17])
    func rejectsBatchesOutOfRange(batch: Int) {
        #expect(throws: PlannerError.batchOutOfRange(model: "A", batch: batch, maxBatch: 16)) {
            try Nexus.a.latency(batch: batch)
        }
    }

    @Test func memoryInterpolatesUpward() throws {
        #expect(try Nexus.a.memory(batch: 6) == 600)
    }

    static let invalid: [(ModelProfile, PlannerError)] = [
        (ModelProfile(modelName: "e", deviceName: "d", entries: []), .emptyProfile(model: "e")),
        (ModelProfile(modelName: "z", deviceName: "d", entries: [BatchProfile(batchSize: 0, latencyMean: 1)]),
         .invalidProfile(model: "z", reason: "batch size 0 is not positive")),
        (ModelProfile(modelName: "t", deviceName: "d", entries: [
            BatchProfile(batchSize: 1, latencyMean: 1), BatchProfile(batchSize: 1, latencyMean: 2),
        ]), .invalidProfile(model: "t", reason: "batch size 1 appears twice")),
        (ModelProfile(modelName: "n", deviceName: "d", entries: [BatchProfile(batchSize: 1, latencyMean: .nan)]),
         .invalidProfile(model: "n", reason: "latency nan at batch 1")),
    ]

    @Test(arguments: invalid)
    func validationRejects(profile: ModelProfile, error: PlannerError) {
        #expect(throws: error) { try profile.validate() }
    }

    @Test func emptyProfileThrowsOnLookup() {
        let profile = ModelProfile(modelName: "e", deviceName: "d", entries: [])
        #expect(profile.maxBatch == 0)
        #expect(throws: PlannerError.emptyProfile(model: "e")) { try profile.latency(batch: 1) }
    }

    @Test func jsonRoundTripKeepsKeys() throws {
        let catalog = ProfileCatalog([Nexus.a, Nexus.profile("A", [(1, 0.01)], device: "H100")])
        let data = try JSONEncoder().encode(catalog)
        let decoded = try JSONDecoder().decode(ProfileCatalog.self, from: data)
        #expect(decoded == catalog)
        #expect(try decoded.profile(model: "hash-A", device: "H100").maxBatch == 1)
        #expect(try decoded.profile(model: "A", device: "GPU").maxBatch == 16)
        #expect(throws: PlannerError.missingProfile(model: "A", device: "T4")) {
            try decoded.profile(model: "A", device: "T4")
        }
    }

    @Test func unsortedDecodedEntriesInterpolate() throws {
        var profile = Nexus.a
        profile.entries.reverse()
        #expect(profile.maxBatch == 16)
        #expect(close(try profile.latency(batch: 12), 0.0875))
        #expect(close(try profile.latency(batch: 2), 0.050))
    }

    @Test(arguments: [
        (BatchProfile(batchSize: 70_000, latencyMean: 1), "batch size 70000 exceeds 65536"),
        (BatchProfile(batchSize: 1, latencyMean: 1, memoryBytes: Int.max), "memory \(Int.max) at batch 1"),
        (BatchProfile(batchSize: 1, latencyMean: 0), "zero latency at batch 1"),
    ])
    func rejectsUnplannableEntries(entry: BatchProfile, reason: String) {
        let profile = ModelProfile(modelName: "x", deviceName: "d", entries: [entry])
        #expect(throws: PlannerError.invalidProfile(model: "x", reason: reason)) { try profile.validate() }
    }

    @Test func decodesHandWrittenJSON() throws {
        let json = """
        [{"modelName": "resnet50", "modelHash": "abc", "deviceName": "V100",
          "preprocessSeconds": 0.001, "postprocessSeconds": 0.0005,
          "entries": [{"batchSize": 1, "latencyMean": 0.004, "latencyStd": 0.0002,
                       "latencyP99": 0.005, "memoryBytes": 1000000}]}]
        """
        let catalog = try JSONDecoder().decode(ProfileCatalog.self, from: Data(json.utf8))
        let profile = try catalog.profile(model: "abc", device: "V100")
        #expect(profile.key == "abc@V100")
        #expect(close(profile.perItemOverhead, 0.0015))
    }
}
