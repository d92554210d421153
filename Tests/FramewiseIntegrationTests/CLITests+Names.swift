import Foundation
import FramewiseTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Fail fast and name things once: an unreachable broker, one name per concept, help that shows
/// only what a command takes and one default per option.
extension CLITests {
    /// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `help` text with its line wrapping undone.
    static func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    /// The help paragraph of `option` (from its name to the next option).
    static func helpOf(_ option: String, in help: String) -> String {
        let text = words(help)
        guard let start = text.range(of: option + " <") ?? text.range(of: option) else { return "" }
        let rest = text[start.upperBound...]
        let end = rest.range(of: " --")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func unreachableRedisFailsAtOnceNamingIt() throws {
        let broker = "redis://127.0.0.1:\(try Self.closedPort())"
        let video = try Self.carphone()
        for args in [["worker", "examples/synthetic/pipeline.yaml", "--broker", broker],
                     ["status", "--broker", broker],
                     ["run", "examples/synthetic/pipeline.yaml", video, "--broker", broker, "--quiet"]] {
            let cli = try RunningCLI(args)
            // A deadline for the test, not a timing assertion: the connect timeout is seconds.
            let status = try cli.finish(seconds: 60)
            #expect(status == 1, "\(args[0]): \(cli.stderr)")
            #expect(cli.stderr.contains("error: cannot reach Redis at \(broker)") && cli.stderr.contains("refused"), "\(args[0]): \(cli.stderr)")
            #expect(!cli.stderr.contains("worker \(cli.process.processIdentifier):"), "no banner before the broker answers: \(cli.stderr)")
        }
    }

    @Test func decodeParallelismHasOneNamePerConcept() throws {
        let run = try Self.framewise(["run", "--help"]).stdout
        let worker = try Self.framewise(["worker", "--help"]).stdout
        let decode = try Self.framewise(["decode", "--help"]).stdout
        // Videos decoded at once: --max-in-flight (run), --decode-slots (run, worker); threads per video: --decode-threads.
        #expect(run.contains("--decode-threads") && run.contains("--decode-slots") && run.contains("--max-in-flight"))
        #expect(worker.contains("--decode-threads") && worker.contains("--decode-slots"), "\(worker)")
        #expect(decode.contains("--decode-threads"), "\(decode)")
        #expect(!run.contains("--concurrency") && !worker.contains("--decoders") && !Self.words(decode).contains("--threads <"), "old spellings hidden")
        // The old spellings still work.
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = try Self.framewise(["decode", try Self.carphone(), "--threads", "1", "--sampling", "keyframes"])
        #expect(old.status == 0 && old.stdout.contains("threads 1"), "\(old.stderr)")
        let new = try Self.framewise(["decode", try Self.carphone(), "--decode-threads", "1", "--sampling", "keyframes"])
        #expect(new.status == 0 && new.stdout.contains("threads 1"), "\(new.stderr)")
        let both = try Self.framewise(["worker", "examples/synthetic/pipeline.yaml", "--broker", "redis://127.0.0.1:\(try Self.closedPort())", "--decoders", "1"])
        #expect(both.status == 1, "--decoders parses (the broker is what fails): \(both.stderr)")
    }

    @Test func helpShowsOnlyWhatACommandTakesWithOneDefault() throws {
        let status = Self.words(try Self.framewise(["status", "--help"]).stdout)
        for ignored in ["--max-length", "--max-deliveries", "--reclaim-after"] {
            #expect(!status.contains(ignored), "status does not list \(ignored), which it ignores: \(status)")
        }
        #expect(status.contains("--frames-dir") && status.contains("--key-prefix"))
        for command in ["status", "worker"] {
            let help = try Self.framewise([command, "--help"]).stdout
            #expect(!help.contains("(default: memory)"), "\(command) refuses memory: \(help)")
            #expect(Self.words(help).contains("--broker <broker>"), "\(help)")
        }
        let run = try Self.framewise(["run", "--help"]).stdout
        #expect(Self.helpOf("--broker", in: run).contains("memory"), "\(Self.helpOf("--broker", in: run))")
        for option in ["--decode-threads", "--broker", "--max-in-flight", "--worker-threads"] {
            let paragraph = Self.helpOf(option, in: run)
            #expect(paragraph.components(separatedBy: "default").count - 1 == 1, "one default for \(option): \(paragraph)")
        }
    }

    @Test func planThatNeedsMoreWorkersThanCoresWarns() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try PlanIntegrationTests.tinyPipeline(in: dir)
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let profiled = try Self.framewise(["profile", pipeline, "--batches", "1", "2", "--iterations", "2", "--device", "test-cpu"])
        #expect(profiled.status == 0, "\(profiled.stderr)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let planFile = dir.appendingPathComponent("plan.json").path
        let planned = try Self.framewise(["plan", pipeline, "--devices", String(cores + 2), "--slo", "2s", "--device", "test-cpu",
                                          "--device-kind", "cpu", "--no-decode", "--json", planFile])
        #expect(planned.status == 0, "\(planned.stderr)")
        let output = dir.appendingPathComponent("out.jsonl").path
        let ran = try Self.framewise(["run", "--plan", planFile, pipeline, video, "-o", output, "--rate", "100/s"])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("warning: the plan needs \(cores + 2) workers") && ran.stderr.contains("this machine has \(cores) cores"), "\(ran.stderr)")
    }
}
