import FramewiseCore
import FramewiseRuntime
import Testing

/// The profiler's pure parts: default batch sizes, statistics, device and file names.
@Suite struct StageProfilerTests {
    @Test(arguments: [(1, [1]), (2, [1, 2]), (6, [1, 2, 4, 6]), (8, [1, 2, 4, 8]), (0, [1])] as [(Int, [Int])])
    func defaultBatches(limit: Int, sizes: [Int]) {
        #expect(StageProfiler.defaultBatches(limit: limit) == sizes)
    }

    @Test func statistics() {
        let s = BatchProfile.statistics([1, 2, 3, 4, 10])
        #expect(s.mean == 4)
        #expect(abs(s.std - 3.162_277_660_168_379_5) < 1e-12)
        #expect(s.p99 == 10)
        #expect(BatchProfile.statistics([]) == (0, 0, 0))
        let many = BatchProfile.statistics((1...200).map(Double.init))
        #expect(many.p99 == 198)
    }

    @Test func deviceAndProfileNames() {
        #expect(DeviceName.sanitized("cpu-2c- AMD EPYC 7B13 (64-Core)") == "cpu-2c-amd-epyc-7b13-64-core")
        #expect(DeviceName.sanitized("H100") == "h100")
        #expect(DeviceName.local().hasPrefix("cpu-"))
        #expect(DeviceName.profilePath(modelPath: "/m/a.onnx", device: "V100") == "/m/a.onnx.profile-v100.json")
        #expect(DeviceName.profilePath(modelPath: "/m/a.onnx", device: "V100", directory: "/p") == "/p/a.onnx.profile-v100.json")
    }

    @Test func memoryIsReadOnLinux() {
        #if os(Linux)
        #expect((ProcessMemory.residentBytes ?? 0) > 0)
        #expect((ProcessMemory.peakResidentBytes ?? 0) >= (ProcessMemory.residentBytes ?? 0) / 2)
        #endif
    }
}
