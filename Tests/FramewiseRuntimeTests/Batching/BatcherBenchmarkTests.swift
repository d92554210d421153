import Foundation
import FramewiseRuntime
import Testing

/// Microbenchmarks; run with FRAMEWISE_BENCH=1 (use a release build for real numbers).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FRAMEWISE_BENCH"] == "1"))
struct BatcherBenchmarkTests {
    @Test func stateMachineOverhead() {
        _ = BatcherBenchmark.overheadPerRequest(requests: 100_000)
        let perRequest = BatcherBenchmark.overheadPerRequest(requests: 1_000_000)
        print("BatcherBenchmark state machine: \(perRequest) per request")
        #expect(perRequest < .microseconds(20))
    }

    @Test func driverOverhead() async {
        _ = await BatcherBenchmark.driverOverheadPerRequest(requests: 10_000)
        let perRequest = await BatcherBenchmark.driverOverheadPerRequest(requests: 200_000)
        print("BatcherBenchmark driver: \(perRequest) per request")
        #expect(perRequest < .microseconds(20))
    }
}
