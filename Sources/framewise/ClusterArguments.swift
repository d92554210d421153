import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewisePlanner
import FramewiseRedis
import FramewiseRuntime
import Foundation
import Glibc
import Logging

/// Where a Redis deployment keeps its keys and frames (`run --broker redis://`, `worker`, `status`).
struct RedisLocation: ParsableArguments {
    @Option(name: .customLong("frames-dir"), help: "Folder for decoded frames that every worker sees (shared storage across machines).")
    var framesDir: String = NSTemporaryDirectory() + "framewise-frames"
    @Option(name: .customLong("key-prefix"), help: "Prefix of every Redis key.") var keyPrefix = "framewise"
}

/// How the stage streams behave (`run --broker redis://`, `worker`; `status` takes them hidden, so
/// the same settings can be given to every command).
struct StreamArguments: ParsableArguments {
    @Option(name: .customLong("max-length"), help: "Most messages a stage's stream holds; producers wait beyond it (backpressure).") var maxLength = 1000
    @Option(name: .customLong("max-deliveries"), help: "Deliveries of a message before it is dead-lettered and its video fails.") var maxDeliveries = 5
    @Option(name: .customLong("reclaim-after"), help: "A message unacked this long by a worker is taken over by another (e.g. 30s); must exceed the longest batch.")
    var reclaimAfter = "30s"

    func validate() throws {
        if maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if maxDeliveries < 1 { throw ValidationError("--max-deliveries must be at least 1") }
        do { _ = try PlanningUnits.seconds(reclaimAfter) } catch { throw ValidationError("--reclaim-after: \(error)") }
    }
}

/// A command's distributed deployment: its `--broker` (each command declares its own: `run`
/// defaults to memory, `worker` and `status` need Redis) with the location and stream options.
struct ClusterArguments {
    var broker: String
    var location: RedisLocation
    var streams: StreamArguments

    var framesDir: String { location.framesDir }
    var keyPrefix: String { location.keyPrefix }
    var maxLength: Int { streams.maxLength }
    var maxDeliveries: Int { streams.maxDeliveries }
    var reclaimAfter: String { streams.reclaimAfter }

    var isRedis: Bool { ClusterSettings.isRedis(broker) }

    /// `--broker` without its password, for messages.
    var displayBroker: String { (try? settings())?.displayBroker ?? broker }

    /// `--broker` is memory or a Redis URL (`redisOnly`: only a Redis URL, for `command`).
    static func validate(broker: String, redisOnly command: String? = nil) throws {
        let redis = ClusterSettings.isRedis(broker)
        if let command, !redis { throw ValidationError("\(command) needs --broker redis://HOST:PORT, not '\(broker)'") }
        if broker != "memory" && !redis { throw ValidationError("--broker must be memory or a redis:// URL, not '\(broker)'") }
    }

    /// The deployment these options describe (FramewiseApp's `ClusterSettings`).
    func settings() throws -> ClusterSettings {
        ClusterSettings(broker: broker, framesDirectory: framesDir, keyPrefix: keyPrefix, maxLength: maxLength, maxDeliveries: maxDeliveries,
                        reclaimAfter: .microseconds(Int64(try PlanningUnits.seconds(reclaimAfter) * 1e6)), faults: Self.faultsFromEnvironment())
    }

    /// Fault injection for the fault tests: `FRAMEWISE_FAULT_CRASH_ON=TEXT` makes this process exit
    /// (status 70) mid-decode of a video whose path contains TEXT, as a crashing decoder would.
    static func faultsFromEnvironment() -> FaultHooks {
        guard let poison = ProcessInfo.processInfo.environment["FRAMEWISE_FAULT_CRASH_ON"], !poison.isEmpty else { return FaultHooks() }
        return FaultHooks(decodedFrame: { path in if path.contains(poison) { Glibc.exit(70) } })
    }

    /// Says at once, and exits 1, when Redis does not answer at start.
    func checkReachable() async throws {
        do {
            try await settings().checkReachable()
        } catch let error as AppError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    /// Connections to the Redis deployment (lazy: nothing connects until first used); exit 2 on a bad URL.
    func connect() throws -> ClusterConnection {
        do {
            return try settings().connect()
        } catch let error as AppError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    func options() throws -> ClusterOptions { try settings().options }
}

extension ClusterConnection {
    /// Prints one `warning:` line per way the server's settings can lose acknowledged work.
    func warn(_ durability: RedisDurability) {
        for warning in warnings(durability) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }
}

extension BrokerLossPolicy: ExpressibleByArgument {}
