import FramewiseCore
import ArgumentParser
import FramewiseRuntime
import Foundation

/// `framewise microbench`: the batcher's cost per request and the in-process broker's messages per second.
struct MicrobenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "microbench", abstract: "Measure the adaptive batcher's overhead and the in-process broker's throughput.")

    @Option(help: "Requests through the batcher.") var requests = 1_000_000
    @Option(help: "Messages through the broker.") var messages = 2_000_000
    @Option(help: "Broker batch size (publish, consume and ack in batches of this many).") var batch = 256
    @Option(help: "Repeat and keep the best.") var repeats = 3

    func run() async throws {
        var stateMachine = Duration.seconds(1), driver = Duration.seconds(1)
        var broker = 0.0
        for _ in 0..<max(1, repeats) {
            stateMachine = min(stateMachine, BatcherBenchmark.overheadPerRequest(requests: requests))
            driver = min(driver, await BatcherBenchmark.driverOverheadPerRequest(requests: max(1, requests / 10)))
            broker = max(broker, await BrokerBenchmark.messagesPerSecond(messages: messages, batch: batch))
        }
        func us(_ d: Duration) -> Double { d.seconds * 1e6 }
        print(String(format: "adaptive batcher state machine: %.3f us per request (enqueue + fire)", us(stateMachine)))
        print(String(format: "adaptive batcher driver (async, no-op batches): %.3f us per request", us(driver)))
        print(String(format: "in-process broker: %.2f M messages/s (publish + consume + ack, batches of %d)", broker / 1e6, batch))
    }
}
