#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import ArgumentParser
import Foundation
import FramewiseRuntime

/// The `framewise` command: runs video-analytics pipelines of ONNX models over video.
///
/// Exit codes: 0 done; 1 a run or a write failed (every video failed, results could not be
/// written, `--fail-on-error` with a failed video); 2 bad arguments or an invalid pipeline
/// (nothing ran); 130 interrupted (SIGINT).
@main
struct Framewise: AsyncParsableCommand {
    /// The version `--version` prints.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "framewise",
        abstract: "Run pipelines of ONNX models over video, fast.",
        discussion: "Exit codes: 0 done; 1 a run or a write failed; 2 bad arguments or an invalid pipeline (nothing ran); 130 interrupted.",
        version: version,
        subcommands: [RunCommand.self, ServeCommand.self, TokenCommand.self, WorkerCommand.self, StatusCommand.self, ValidateCommand.self, ProfileCommand.self, PlanCommand.self, ReportCommand.self, DecodeCommand.self, BenchCommand.self, MicrobenchCommand.self, LoadCommand.self, OptimizeCommand.self, TuneCommand.self, IndexCommand.self, QueryCommand.self, IndexEvalCommand.self],
        defaultSubcommand: nil
    )

    /// Parses and runs a command as swift-argument-parser's `main` does, with three differences:
    /// usage errors exit 2 (as documented; the library's default is EX_USAGE, 64); `help NAME`
    /// with an unknown command is a usage error; and a write to standard output that failed
    /// (a full disk, a closed pipe) is reported and exits 1 instead of passing silently.
    static func main() async {
        // A closed pipe then fails the write (EPIPE) and is reported, instead of killing the process silently.
        signal(SIGPIPE, SIG_IGN)
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = unknownHelpTopic(arguments) {
            let names = configuration.subcommands.map { $0._commandName }.joined(separator: ", ")
            FileHandle.standardError.write(Data("error: unknown command '\(unknown)' (commands: \(names))\n".utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            StandardOutput.checkFlushed()
        } catch {
            StandardOutput.checkFlushed()
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The first name after `help` that is not a command (nil when all are, or this is not `help`).
    static func unknownHelpTopic(_ arguments: [String]) -> String? {
        guard arguments.first == "help" else { return nil }
        var commands: [any ParsableCommand.Type] = configuration.subcommands
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            guard let next = commands.first(where: { $0._commandName == name }) else { return name }
            commands = next.configuration.subcommands
        }
        return nil
    }
}

/// Standard output as the CLI writes to it: every write checked, a failure named.
enum StandardOutput {
    /// Writes `text` to standard output, flushing what `print` buffered first so the order holds;
    /// exits 1 after saying why when the write fails (ENOSPC, EPIPE, ...).
    static func write(_ text: String) {
        checkFlushed()
        do { try CheckedWrite.all(Array(text.utf8), to: STDOUT_FILENO, destination: "standard output") } catch {
            fail(reason: error.reason)
        }
    }

    /// Flushes what `print` buffered; exits 1 with a message when standard output could not be written.
    static func checkFlushed() {
        let flushed = fflush(stdout)
        let code = errno
        if flushed != 0 || ferror(stdout) != 0 {
            fail(reason: flushed != 0 ? String(cString: strerror(code)) : "a write failed")
        }
    }

    private static func fail(reason: String) -> Never {
        FileHandle.standardError.write(Data("error: cannot write to standard output: \(reason); output was lost\n".utf8))
        Foundation.exit(1)
    }
}
