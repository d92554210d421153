import Foundation
import FramewiseServer
import FramewiseTesting
import Logging
import PostgresNIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL server on 127.0.0.1 for the tests, from Debian's `postgresql`
/// package (`scripts/setup.sh` installs it): `initdb` into a temporary folder, `postgres` on a
/// free port. Started once per test process and shared; each test gets its own database
/// (`newDatabase()`). PostgreSQL refuses to run as root, so as root it runs as the `postgres`
/// user (through `setpriv`, which execs: the pid is the server's). Stopped at exit.
final class PostgresServerFixture: Sendable {
    let port: Int
    let directory: String
    let process: ChildProcess

    private init(port: Int, directory: String, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    private static let started = Mutex<Task<PostgresServerFixture, any Error>?>(nil)

    /// The process's server, started on first use.
    static func shared() async throws -> PostgresServerFixture {
        let task = started.withLock { task in
            if let task { return task }
            let new = Task { try await start() }
            task = new
            return new
        }
        return try await task.value
    }

    /// A new, empty database on the shared server.
    static func newDatabase() async throws -> PostgresURL {
        let server = try await shared()
        let name = "fw_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await server.execute("CREATE DATABASE \(name)")
        return PostgresURL(host: "127.0.0.1", port: server.port, user: "framewise", database: String(name))
    }

    /// The newest installed PostgreSQL's programs.
    static func binaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let version = versions.last(where: { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/postgres") }) else {
            throw FixtureFailure("PostgreSQL is not installed (no \(root)/*/bin/postgres): run scripts/setup.sh (apt-get install postgresql)")
        }
        return "\(root)/\(version)/bin"
    }

    private static func start() async throws -> PostgresServerFixture {
        let bin = try binaries()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fw-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var prefix: [String] = []
        if getuid() == 0 {
            guard let user = getpwnam("postgres") ?? getpwnam("nobody") else { throw FixtureFailure("running as root and no postgres user to run PostgreSQL as") }
            let uid = user.pointee.pw_uid, gid = user.pointee.pw_gid
            guard chown(directory, uid, gid) == 0 else { throw FixtureFailure("chown \(directory) failed") }
            prefix = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"]
        }
        let data = directory + "/data"
        let initdb = try spawn(prefix, bin + "/initdb", ["-D", data, "-U", "framewise", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"],
                               log: directory + "/initdb.log")
        guard await initdb.exitStatus(timeout: .seconds(120)) == 0 else {
            throw FixtureFailure("initdb failed: \(((try? String(contentsOfFile: directory + "/initdb.log", encoding: .utf8)) ?? "").suffix(2000))")
        }
        var attempt = 0
        while true {
            let port = try freePort()
            let process = try spawn(prefix, bin + "/postgres", ["-D", data, "-p", "\(port)", "-h", "127.0.0.1", "-k", directory,
                                                                "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300"],
                                    log: directory + "/postgres.log")
            let fixture = PostgresServerFixture(port: port, directory: directory, process: process)
            ServerAtExit.pid.store(process.pid, ordering: .relaxed)
            ServerAtExit.register()
            if await fixture.waitUntilReady() { return fixture }
            process.send(SIGKILL)
            _ = await process.exitStatus(timeout: .seconds(10))
            attempt += 1
            if attempt >= 3 {
                throw FixtureFailure("postgres did not start: \(((try? String(contentsOfFile: directory + "/postgres.log", encoding: .utf8)) ?? "").suffix(2000))")
            }
        }
    }

    private static func spawn(_ prefix: [String], _ program: String, _ arguments: [String], log: String) throws -> ChildProcess {
        let command = prefix + [program] + arguments
        return try ChildProcess(path: command[0], arguments: Array(command.dropFirst()), errorLog: log)
    }

    /// Polls until a connection answers (30 s at most); false when the server exited or never answered.
    private func waitUntilReady() async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning() else { return false }
            if (try? await execute("SELECT 1")) != nil { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Runs one statement as the superuser on the `postgres` database.
    func execute(_ sql: String) async throws {
        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "framewise", password: nil,
                                                             database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "fixture"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "fixture"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// A TCP port nobody listens on now.
    static func freePort() throws -> Int { try FreePort.next() }
}

/// Stops the shared server when the test process exits (immediate shutdown: SIGQUIT).
private enum ServerAtExit {
    static let pid = Atomic<Int32>(0)
    private static let registered = Atomic(false)

    static func register() {
        guard registered.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        atexit {
            let pid = ServerAtExit.pid.load(ordering: .relaxed)
            guard pid > 0 else { return }
            kill(pid, SIGQUIT)
            var status: Int32 = 0
            for _ in 0..<200 where waitpid(pid, &status, WNOHANG) == 0 { usleep(10_000) }
        }
    }
}

/// A fixture could not be set up.
struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
