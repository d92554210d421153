import FramewiseRedis
import Testing

/// Whether Redis' settings can lose acknowledged work, said before it happens.
@Suite("Redis durability settings")
struct RedisDurabilityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var durability: RedisDurability
        /// A text each warning must hold, in order; empty: no warning.
        var warnings: [String]
        var testDescription: String { durability.settings + (durability.unavailable.map { " (\($0))" } ?? "") }
    }

    @Test("warnings per setting", arguments: [
        Case(durability: RedisDurability(appendOnly: "yes", save: "", maxMemoryPolicy: "noeviction"), warnings: []),
        Case(durability: RedisDurability(appendOnly: "no", save: "", maxMemoryPolicy: "noeviction"),
             warnings: ["appendonly no and no snapshots"]),
        Case(durability: RedisDurability(appendOnly: "no", save: "3600 1 300 100", maxMemoryPolicy: "noeviction"),
             warnings: ["since the last snapshot"]),
        Case(durability: RedisDurability(appendOnly: "yes", save: "", maxMemoryPolicy: "allkeys-lru"),
             warnings: ["maxmemory-policy allkeys-lru: under memory pressure"]),
        Case(durability: RedisDurability(appendOnly: "no", save: "", maxMemoryPolicy: "volatile-ttl"),
             warnings: ["appendonly no", "maxmemory-policy volatile-ttl"]),
        Case(durability: RedisDurability(appendOnly: nil, save: nil, maxMemoryPolicy: nil, unavailable: "ERR unknown command 'CONFIG'"),
             warnings: ["could not check appendonly, save and maxmemory-policy (CONFIG GET refused: ERR unknown command 'CONFIG')"]),
    ])
    func warnings(_ c: Case) {
        let warnings = c.durability.warnings
        #expect(warnings.count == c.warnings.count, "\(warnings)")
        for (warning, text) in zip(warnings, c.warnings) { #expect(warning.contains(text), "\(warning)") }
    }

    @Test("read from redis-server: the test server runs without persistence; with CONFIG renamed the settings are unavailable")
    func readFromServer() async throws {
        let plain = try await RedisServerFixture.start()
        let settings = try await RedisDurability.read(from: plain.configuration)
        #expect(settings == RedisDurability(appendOnly: "no", save: "", maxMemoryPolicy: "noeviction"))

        let managed = try await RedisServerFixture.start(arguments: ["--rename-command", "CONFIG", ""])
        let unknown = try await RedisDurability.read(from: managed.configuration)
        #expect(unknown.appendOnly == nil && unknown.maxMemoryPolicy == nil)
        #expect(unknown.unavailable?.contains("unknown command") == true, "\(unknown.unavailable ?? "nil")")
    }
}
