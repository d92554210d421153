import FramewisePlanner
import Testing

@Suite("CapacityArithmetic")
struct CapacityArithmeticTests {
    @Test(arguments: [
        (500_000.0, 15.0, 2.0, 44),  // 7,500,000 V100-seconds a day
        (500_000.0, 5.0, 2.0, 15),
        (500_000.0, 1.12, 1.0, 7),
        (86_400.0, 1.0, 1.0, 1),     // exactly one device-day
        (0.0, 15.0, 2.0, 0),
    ])
    func devicesPerDay(videos: Double, seconds: Double, perDevice: Double, expected: Int) throws {
        #expect(try CapacityArithmetic.devices(itemsPerDay: videos, secondsPerItem: seconds,
                                                concurrentItemsPerDevice: perDevice) == expected)
    }

    @Test func deviceSeconds() {
        #expect(CapacityArithmetic.deviceSecondsPerDay(itemsPerDay: 500_000, secondsPerItem: 15, concurrentItemsPerDevice: 2) == 3_750_000)
    }

    @Test(arguments: [
        ([4.0, 6.0, 5.0], [15, 10, 12], [4, 6, 5]),
        ([0.5, 1.5], [3, 1], [1, 3]),
        ([2.0, 2.0], [1, 1], [1, 1]),
    ])
    func ratios(latencies: [Double], throughput: [Int], instances: [Int]) throws {
        #expect(try CapacityArithmetic.throughputRatio(latencies: latencies) == throughput)
        #expect(try CapacityArithmetic.instanceRatio(latencies: latencies) == instances)
    }

    @Test(arguments: [[Double](), [0], [-1], [Double.infinity]])
    func ratiosRejectBadLatencies(latencies: [Double]) {
        #expect(throws: PlannerError.self) { try CapacityArithmetic.instanceRatio(latencies: latencies) }
    }

    @Test func devicesRejectsZeroConcurrency() {
        #expect(throws: PlannerError.self) {
            try CapacityArithmetic.devices(itemsPerDay: 1, secondsPerItem: 1, concurrentItemsPerDevice: 0)
        }
    }
}
