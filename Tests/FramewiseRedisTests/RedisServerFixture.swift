import Foundation
import FramewiseRedis
import FramewiseTesting
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away `redis-server` on 127.0.0.1 for integration tests.
///
/// Finds a free port (binds a socket to port 0), keeps its files in a temporary directory,
/// waits until `PING` answers, and stops the server (SIGTERM, then SIGKILL after 5 s) in
/// `stop()` or `deinit` (which kills without waiting). `restart()` starts it again on the same port and directory, so with
/// `appendOnly` the data survives. `arguments` go to redis-server as given (e.g. `--rename-command CONFIG ""`).
final class RedisServerFixture: Sendable {
    /// TLS files for `tls-port`.
    struct TLSFiles: Sendable {
        var certificate: String
        var key: String
        var ca: String
    }

    let port: Int
    let directory: URL
    let appendOnly: Bool
    let password: String?
    let tls: TLSFiles?
    let arguments: [String]
    private let process = Mutex<ChildProcess?>(nil)

    /// Starts a server; throws when `redis-server` is missing or does not answer within 10 s.
    static func start(appendOnly: Bool = false, password: String? = nil, tls: TLSFiles? = nil, arguments: [String] = []) async throws -> RedisServerFixture {
        var attempt = 0
        while true {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-redis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let fixture = RedisServerFixture(port: try freePort(), directory: directory, appendOnly: appendOnly, password: password, tls: tls,
                                             arguments: arguments)
            do {
                try await fixture.restart()
                return fixture
            } catch {
                // Someone may have taken the free port between our probe and redis' bind.
                attempt += 1
                if attempt >= 3 { throw error }
            }
        }
    }

    /// A server that is not started yet (`restart()` starts it), on a port free now.
    static func unstarted(appendOnly: Bool = false) throws -> RedisServerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return RedisServerFixture(port: try freePort(), directory: directory, appendOnly: appendOnly, password: nil, tls: nil, arguments: [])
    }

    private init(port: Int, directory: URL, appendOnly: Bool, password: String?, tls: TLSFiles?, arguments: [String]) {
        self.arguments = arguments
        self.port = port
        self.directory = directory
        self.appendOnly = appendOnly
        self.password = password
        self.tls = tls
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `redis://[:password@]127.0.0.1:port` (`rediss://` with TLS).
    var url: String {
        let auth = password.map { ":\($0)@" } ?? ""
        return "\(tls == nil ? "redis" : "rediss")://\(auth)127.0.0.1:\(port)"
    }

    /// A connection configuration for this server (with the password, without TLS settings).
    var configuration: RedisConnectionConfiguration {
        RedisConnectionConfiguration(host: "127.0.0.1", port: port, password: password, connectTimeout: .seconds(2), commandTimeout: .seconds(5))
    }

    /// Starts the server (again) on the same port and directory and waits for `PING`.
    func restart() async throws {
        await stop()
        let executable = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else { throw FixtureError("redis-server is not installed (apt-get install -y redis-server)") }
        var arguments = [
            "--bind", "127.0.0.1", "--save", "", "--appendonly", appendOnly ? "yes" : "no",
            "--dir", directory.path, "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        if let tls {
            arguments += ["--port", "0", "--tls-port", "\(port)", "--tls-cert-file", tls.certificate, "--tls-key-file", tls.key,
                          "--tls-ca-cert-file", tls.ca, "--tls-auth-clients", "no"]
        } else {
            arguments += ["--port", "\(port)"]
        }
        if let password { arguments += ["--requirepass", password] }
        arguments += self.arguments
        let process = try ChildProcess(path: executable, arguments: arguments)
        self.process.withLock { $0 = process }
        try await waitForPing(process: process)
    }

    private func waitForPing(process: ChildProcess) async throws {
        var configuration = configuration
        if tls != nil { configuration.tls = RedisTLSConfiguration(caCertificatePath: tls?.ca) }
        let deadline = ContinuousClock.now + .seconds(10)
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            guard process.isRunning() else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
                throw FixtureError("redis-server exited: \(log.suffix(2000))")
            }
            do {
                let connection = try await RedisConnection.connect(to: configuration)
                let reply = try await connection.send(RESPCommand("PING"))
                await connection.close()
                if reply.string == "PONG" { return }
            } catch {
                lastError = error
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FixtureError("redis-server on port \(port) did not answer PING: \(String(describing: lastError))")
    }

    /// Stops the server: SIGTERM (it writes its append-only file), SIGKILL after 5 s. Polls
    /// with `Task.sleep`, so no cooperative thread is blocked while redis shuts down.
    func stop() async {
        guard let process = self.process.withLock({ p -> ChildProcess? in defer { p = nil }; return p }) else { return }
        guard process.isRunning() else { return }
        process.send(SIGTERM)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        while process.isRunning() {
            process.send(SIGKILL)
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Kills the server (for `deinit`, when a test ended without `stop()`).
    private func kill() {
        guard let process = self.process.withLock({ p -> ChildProcess? in defer { p = nil }; return p }) else { return }
        guard process.isRunning() else { return }
        process.send(SIGKILL)
        while process.isRunning() { usleep(1_000) }
    }

    /// A TCP port nobody listens on now: bind to port 0 and read what the kernel chose.
    static func freePort() throws -> Int { try FreePort.next() }
}

/// A test fixture could not be set up.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
