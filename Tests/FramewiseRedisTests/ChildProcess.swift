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
struct ChildProcess: Sendable {
    let pid: pid_t

    /// Starts `path` with `arguments` (not including argv[0]).
    init(path: String, arguments: [String]) throws {
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
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }

        let argv = ([path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cArguments = argv + [nil]
        var pid = pid_t()
        let status = posix_spawn(&pid, path, &actions, &attributes, &cArguments, environ)
        guard status == 0 else { throw FixtureError("posix_spawn \(path): \(String(cString: strerror(status)))") }
        self.pid = pid
    }

    /// Whether it still runs; reaps it once it has exited.
    func isRunning() -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == 0
    }

    /// Sends `signal`.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }
}
