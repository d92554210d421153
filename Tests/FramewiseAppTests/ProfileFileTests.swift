import Foundation
import FramewiseApp
import FramewiseCore
import Testing

/// Saving a profile merges it into the one already saved for the same model, device and threads.
@Suite struct ProfileFileTests {
    static func profile(hash: String = "abc", device: String = "cpu-test", threads: Int? = 1, _ batches: [(Int, Double)]) -> ModelProfile {
        ModelProfile(modelName: "m", modelHash: hash, deviceName: device,
                     entries: batches.map { BatchProfile(batchSize: $0.0, latencyMean: $0.1) }, preprocessSeconds: 0.001, intraOpThreads: threads)
    }

    @Test func newerMeasurementWinsAndOthersAreKept() throws {
        let older = Self.profile([(1, 0.010), (2, 0.015), (4, 0.025), (8, 0.045)])
        let newer = Self.profile([(1, 0.011), (4, 0.024)])
        let merged = try #require(ProfileFile.merged(newer, into: older).profile)
        #expect(merged.entries.map(\.batchSize) == [1, 2, 4, 8])
        #expect(merged.entries.map(\.latencyMean) == [0.011, 0.015, 0.024, 0.045])
    }

    @Test(arguments: [
        (Self.profile(hash: "other", [(1, 0.01)]), "another version of the model file"),
        (Self.profile(device: "gpu", [(1, 0.01)]), "measured on device gpu"),
        (Self.profile(threads: 2, [(1, 0.01)]), "with 2 intra-op thread(s)"),
    ])
    func differentMeasurementsAreReplacedWithTheReason(older: ModelProfile, reason: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.profile.json").path
        _ = try ProfileFile.save(older, to: path)
        let saved = try ProfileFile.save(Self.profile([(2, 0.02)]), to: path)
        #expect(saved.keptBatches.isEmpty)
        #expect(saved.replaced?.contains(reason) == true, "\(String(describing: saved.replaced))")
        #expect(try ProfileFile.read(path).first?.entries.map(\.batchSize) == [2])
    }

    @Test func savingOverTheSameModelReportsWhatWasKept() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-profile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.profile.json").path
        #expect(try ProfileFile.save(Self.profile([(1, 0.01), (2, 0.02), (8, 0.05)]), to: path) == ProfileFile.Saved())
        let saved = try ProfileFile.save(Self.profile([(2, 0.021), (4, 0.03)]), to: path)
        #expect(saved.keptBatches == [1, 8])
        #expect(saved.replaced == nil)
        #expect(try ProfileFile.read(path).first?.entries.map(\.batchSize) == [1, 2, 4, 8])
    }
}
