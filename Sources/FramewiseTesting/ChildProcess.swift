import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, with a clean signal state.
///
/// Foundation's `Process` passes on the caller's signal mask, and test runner threads block
/// SIGTERM, so a server started that way never sees it. Here the child gets an empty mask and
/// default dispositions, its output goes to /dev/null, and we reap it ourselves.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `path` with `arguments` (not including argv[0]), in `directory` when given, with
    /// `environment` added to this process's, its standard error to `errorLog` when given.
    public init(path: String, arguments: [String], environment: [String: String] = [:], errorLog: String? = nil) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errorLog ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)

        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cArguments = argv + [nil]
        var variables: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            if let name = text.split(separator: "=", maxSplits: 1).first, environment[String(name)] == nil { variables.append(text) }
            index += 1
        }
        variables += environment.map { "\($0.key)=\($0.value)" }
        let envp = variables.map { strdup($0) }
        defer { envp.forEach { free($0) } }
        var cEnvironment = envp + [nil]
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, &attributes, &cArguments, &cEnvironment)
        guard status == 0 else { throw ChildProcessError(description: "posix_spawn \(path): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// Whether it still runs; reaps it once it has exited.
    public func isRunning() -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == 0
    }

    /// Waits for it to exit (polling, so no cooperative thread blocks); its exit status, or
    /// 128 + the signal that killed it.
    public func exitStatus(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            if result < 0 { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Sends `signal`.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }
}

/// A child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
}
