import FramewiseCore
import Foundation
import FramewisePlanner
import Testing

/// The threads a profile was measured with must be the threads a worker runs with.
@Suite struct WorkerThreadsTests {
    static func profile(_ threads: Int?) -> ModelProfile {
        ModelProfile(modelName: "m", deviceName: "cpu", entries: [BatchProfile(batchSize: 1, latencyMean: 0.01)], intraOpThreads: threads)
    }

    @Test(arguments: [
        (Optional(1), 1, false), (Optional(2), 2, false), (Optional(0), 0, false),
        (Optional(2), 1, true), (Optional(1), 2, true), (nil, 1, true),
    ])
    func profileThreadsAgainstWorkerThreads(profiled: Int?, runs: Int, mismatch: Bool) {
        let found = WorkerThreads.mismatches([("m", Self.profile(profiled), runs)])
        #expect(found.isEmpty == !mismatch)
        if mismatch {
            #expect(found == [WorkerThreads.Mismatch(model: "m", profiled: profiled, runs: runs)])
            #expect(found[0].description.contains("engine runs it with \(runs)"))
        }
    }

    @Test func everyMismatchIsReportedInOrder() {
        let found = WorkerThreads.mismatches([("a", Self.profile(2), 1), ("b", Self.profile(1), 1), ("c", Self.profile(nil), 1)])
        #expect(found.map(\.model) == ["a", "c"])
    }

    @Test func threadsSurviveTheProfileFileAndOldFilesReadAsUnrecorded() throws {
        let encoded = try JSONEncoder().encode(Self.profile(1))
        #expect(try JSONDecoder().decode(ModelProfile.self, from: encoded).intraOpThreads == 1)
        let old = #"{"modelName":"m","modelHash":"m","deviceName":"cpu","entries":[],"preprocessSeconds":0,"postprocessSeconds":0}"#
        #expect(try JSONDecoder().decode(ModelProfile.self, from: Data(old.utf8)).intraOpThreads == nil)
    }
}
