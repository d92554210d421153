import ArgumentParser

/// The `framewise` command: runs video-analytics pipelines of ONNX models over video.
@main
struct Framewise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "framewise",
        abstract: "Run pipelines of ONNX models over video, fast.",
        subcommands: [RunCommand.self, ServeCommand.self, TokenCommand.self, WorkerCommand.self, StatusCommand.self, ValidateCommand.self, ProfileCommand.self, PlanCommand.self, DecodeCommand.self, BenchCommand.self, MicrobenchCommand.self],
        defaultSubcommand: nil
    )
}
