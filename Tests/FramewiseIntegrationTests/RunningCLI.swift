import Foundation
import FramewiseTesting
#if canImport(Glibc)
import Glibc
#endif

/// A `framewise` process started as a user would, whose standard error (and output, unless it
/// goes to a file) is collected while it runs, so a test can wait for a line, send a signal and
/// then read everything.
final class RunningCLI: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        let what: String
        let stderr: String
        var description: String { "timed out waiting for \(what); stderr so far:\n\(stderr)" }
    }

    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let readers = DispatchGroup()

    /// Starts `framewise args` in the project root; `standardOutput`: where its output goes
    /// (default: collected, see `stdout`).
    init(_ args: [String], standardOutput: FileHandle? = nil) throws {
        process.executableURL = URL(fileURLWithPath: try Fixtures.require(Fixtures.framewiseBinary))
        process.arguments = args
        process.currentDirectoryURL = Fixtures.projectRoot
        let errPipe = Pipe()
        process.standardError = errPipe
        var outPipe: Pipe?
        if let standardOutput {
            process.standardOutput = standardOutput
        } else {
            let pipe = Pipe()
            process.standardOutput = pipe
            outPipe = pipe
        }
        try process.run()
        collect(errPipe.fileHandleForReading) { $0.err.append($1) }
        if let outPipe { collect(outPipe.fileHandleForReading) { $0.out.append($1) } }
    }

    private func collect(_ handle: FileHandle, into append: @escaping @Sendable (RunningCLI, Data) -> Void) {
        readers.enter()
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                append(self, chunk)
                lock.unlock()
            }
            readers.leave()
        }
        thread.start()
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }

    /// Polls until `condition` holds, or throws after `seconds`.
    func wait(for what: String, seconds: Double = 120, until condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw Timeout(what: what, stderr: stderr) }
            usleep(20_000)
        }
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits (polling, up to `seconds`) for the process to end and its output to be read; its exit status.
    func finish(seconds: Double = 120) throws -> Int32 {
        try wait(for: "the process to exit", seconds: seconds) { !process.isRunning }
        _ = readers.wait(timeout: .now() + 10)
        return process.terminationStatus
    }

    /// Runs `framewise args` to the end, standard output going to `standardOutput`.
    static func run(_ args: [String], standardOutput: FileHandle, seconds: Double = 120) throws -> (status: Int32, stderr: String) {
        let cli = try RunningCLI(args, standardOutput: standardOutput)
        return (try cli.finish(seconds: seconds), cli.stderr)
    }
}
