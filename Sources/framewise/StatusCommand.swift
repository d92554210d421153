import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewiseRedis
import FramewiseRuntime
import Foundation

/// `framewise status --broker redis://...`: queue depth, pending, consumers and lag per stage.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every stage topic's depth, pending, live consumers, lag and dead letters, the jobs in flight, whether Redis' settings can lose work, and the frames folder's size.")

    @Option(help: "Show only this pipeline's topics (its name in the YAML).") var pipeline: String?
    @Flag(help: "Print JSON.") var json = false
    @Option(name: .customLong("abandon-job"), help: "Drop this job (e.g. of a run that was killed): workers skip the rest of it.") var abandonJob: String?
    @Option(help: "The Redis server between stages: redis://[:password@]host:port[/db] (rediss:// for TLS).") var broker: String
    @OptionGroup var location: RedisLocation
    // Accepted, so the same settings can be given to every command, and hidden: status does not use them.
    @OptionGroup(visibility: .hidden) var streams: StreamArguments

    /// The distributed deployment `--broker` names.
    var cluster: ClusterArguments { ClusterArguments(broker: broker, location: location, streams: streams) }

    func validate() throws {
        try ClusterArguments.validate(broker: broker, redisOnly: "status")
    }

    func run() async throws {
        let settings = try cluster.settings()
        do {
            try await settings.checkReachable()
            let connection = try settings.connect()
            defer { Task { await connection.shutdown() } }
            do {
                if let abandonJob {
                    try await ClusterStatus.abandon(job: abandonJob, connection)
                    print("job \(abandonJob) abandoned")
                }
                let status = try await ClusterStatus.read(connection, pipeline: pipeline)
                print(json ? status.json.jsonText : status.table)
            } catch {
                FileHandle.standardError.write(Data("error: \(settings.displayBroker): \(error)\n".utf8))
                throw ExitCode(1)
            }
        } catch let error as AppError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }
}
