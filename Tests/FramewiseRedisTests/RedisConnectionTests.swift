import FramewiseRedis
import NIOCore
import Testing

@Suite("Redis connection and pool against redis-server")
struct RedisConnectionTests {
    @Test("commands round-trip and error replies throw with command and message")
    func commands() async throws {
        let server = try await RedisServerFixture.start()
        let connection = try await RedisConnection.connect(to: server.configuration)
        #expect(try await connection.send(RESPCommand("SET", "greeting", "hello")) == .simpleString("OK"))
        #expect(try await connection.send(RESPCommand("GET", "greeting")).string == "hello")
        #expect(try await connection.send(RESPCommand("GET", "missing")) == .null)
        let error = await #expect(throws: RedisError.self) { try await connection.send(RESPCommand("INCR", "greeting")) }
        #expect(error == .server(command: "INCR", message: "ERR value is not an integer or out of range"))
        // The connection is still usable after an error reply.
        #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
        await connection.close()
    }

    @Test("1000 pipelined INCRs: replies in order, right final value")
    func pipelinedIncr() async throws {
        let server = try await RedisServerFixture.start()
        let connection = try await RedisConnection.connect(to: server.configuration)
        let replies = try await connection.pipeline(Array(repeating: RESPCommand("INCR", "counter"), count: 1000))
        #expect(replies == (1...1000).map { RESPValue.integer(Int64($0)) })
        #expect(try await connection.send(RESPCommand("GET", "counter")).int == 1000)
        // Many tasks sharing one connection each get their own replies.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<20 {
                group.addTask {
                    for i in 0..<25 {
                        let reply = try await connection.send(RESPCommand("ECHO", "\(task)-\(i)"))
                        #expect(reply.string == "\(task)-\(i)")
                    }
                }
            }
            try await group.waitForAll()
        }
        await connection.close()
    }

    @Test("a reply that does not come in time fails with a time-out and closes the connection")
    func timeout() async throws {
        let server = try await RedisServerFixture.start()
        let connection = try await RedisConnection.connect(to: server.configuration)
        let error = await #expect(throws: RedisError.self) {
            try await connection.send(RESPCommand("BLPOP", "nothing", 2), timeout: .milliseconds(100))
        }
        #expect(error == .timeout(command: "BLPOP", after: .milliseconds(100)))
        try await Task.sleep(for: .milliseconds(50))
        #expect(!connection.isActive)
    }

    @Test("the pool reuses connections and stays within its bound")
    func poolReuse() async throws {
        let server = try await RedisServerFixture.start()
        let pool = RedisConnectionPool(configuration: server.configuration, maxConnections: 3)
        let first = try await pool.withConnection { ObjectIdentifier($0) }
        let second = try await pool.withConnection { ObjectIdentifier($0) }
        #expect(first == second)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<30 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try await connection.send(RESPCommand("INCR", "n"))
                        try await Task.sleep(for: .milliseconds(i % 3))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await pool.counts.open <= 3)
        // The server may still list a connection the pool just replaced (a command timed out under
        // load) until its close arrives: poll with a deadline until it settles within the bound.
        var listed = Int.max
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            let clients = try await pool.withConnection { try await $0.send(RESPCommand("CLIENT", "LIST")) }
            listed = (clients.string ?? "").split(separator: "\n").count
            if listed <= 3 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(listed <= 3, "the server sees at most the pool's bound of connections")
        #expect(try await pool.withConnection { try await $0.send(RESPCommand("GET", "n")) }.int == 30)
        await pool.close()
        await #expect(throws: RedisError.closed) { try await pool.lease() }
    }

    @Test("the pool reconnects after a server restart, and AOF keeps the data")
    func reconnectAfterRestart() async throws {
        let server = try await RedisServerFixture.start(appendOnly: true)
        let pool = RedisConnectionPool(
            configuration: server.configuration, maxConnections: 2,
            reconnect: RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200), maxAttempts: 50)
        )
        _ = try await pool.withConnection { try await $0.send(RESPCommand("SET", "durable", "yes")) }
        await server.stop()
        // While it is down, a lease keeps retrying; restart it in the meantime.
        async let restarted: Void = {
            try await Task.sleep(for: .milliseconds(300))
            try await server.restart()
        }()
        // The idle connection died with the server; GET is idempotent, so one retry is fine.
        let value = try await pool.withConnection(retryOnConnectionLoss: true) { try await $0.send(RESPCommand("GET", "durable")) }
        try await restarted
        #expect(value.string == "yes")
        await pool.close()
    }

    @Test("AUTH with requirepass: the right password works, a wrong one gives a clear error")
    func auth() async throws {
        let server = try await RedisServerFixture.start(password: "s3cret")
        let connection = try await RedisConnection.connect(to: try RedisConnectionConfiguration(url: "redis://:s3cret@127.0.0.1:\(server.port)/2"))
        #expect(try await connection.send(RESPCommand("SET", "k", "v")) == .simpleString("OK"))
        #expect(try await connection.send(RESPCommand("CLIENT", "INFO")).string?.contains("db=2") == true)
        await connection.close()

        var wrong = server.configuration
        wrong.password = "nope"
        let error = await #expect(throws: RedisError.self) { try await RedisConnection.connect(to: wrong) }
        guard case let .authentication(message)? = error else {
            Issue.record("expected an authentication error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("WRONGPASS"))
        // The pool does not retry refused credentials.
        let pool = RedisConnectionPool(configuration: wrong, maxConnections: 1)
        await #expect(throws: RedisError.self) { try await pool.lease() }
        var none = server.configuration
        none.password = nil
        let unauthenticated = try await RedisConnection.connect(to: none)
        let denied = await #expect(throws: RedisError.self) { try await unauthenticated.send(RESPCommand("GET", "k")) }
        #expect(denied?.serverErrorCode == "NOAUTH")
        await unauthenticated.close()
    }
}
