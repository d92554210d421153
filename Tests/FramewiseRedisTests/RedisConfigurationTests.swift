import FramewiseRedis
import NIOSSL
import Testing

@Suite("Redis configuration")
struct RedisConfigurationTests {
    @Test("URLs parse into host, port, credentials, database and TLS")
    func urls() throws {
        let plain = try RedisConnectionConfiguration(url: "redis://localhost")
        #expect(plain.host == "localhost" && plain.port == 6379 && plain.password == nil && plain.database == 0 && plain.tls == nil)

        let full = try RedisConnectionConfiguration(url: "redis://worker:p%40ss@redis.internal:6380/3")
        #expect(full.host == "redis.internal" && full.port == 6380)
        #expect(full.username == "worker" && full.password == "p@ss" && full.database == 3)

        let passwordOnly = try RedisConnectionConfiguration(url: "redis://:secret@127.0.0.1:7000")
        #expect(passwordOnly.username == nil && passwordOnly.password == "secret" && passwordOnly.port == 7000)

        let tls = try RedisConnectionConfiguration(url: "rediss://cache.example.com:6390/1")
        #expect(tls.tls == RedisTLSConfiguration() && tls.database == 1)
    }

    @Test("bad URLs are rejected", arguments: ["http://host", "redis://", "redis://host/abc", "not a url", "redis://host:99999"])
    func badURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConnectionConfiguration(url: url) }
    }

    @Test("broker configuration names keys by prefix and topic")
    func brokerKeys() throws {
        let configuration = try RedisStreamsBrokerConfiguration(url: "redis://h:1", keyPrefix: "fw", maxLength: 50)
        #expect(configuration.streamKey("detect") == "fw:detect")
        #expect(configuration.deadLetterKey("detect") == "fw:detect:dead")
        #expect(configuration.maxLength == 50 && configuration.connection.port == 1)
    }

    @Test("TLS configuration builds, and reports unreadable files")
    func tlsConfiguration() throws {
        let verifying = try RedisTLSConfiguration().makeTLSConfiguration()
        #expect(verifying.certificateVerification == .fullVerification)
        let insecure = try RedisTLSConfiguration(verifyCertificate: false).makeTLSConfiguration()
        #expect(insecure.certificateVerification == .none)
        let noHost = try RedisTLSConfiguration(verifyHostname: false).makeTLSConfiguration()
        #expect(noHost.certificateVerification == .noHostnameVerification)
        #expect(throws: RedisError.self) { try RedisTLSConfiguration(caCertificatePath: "/nonexistent/ca.pem").makeTLSConfiguration() }
        #expect(throws: RedisError.self) { try RedisTLSConfiguration(certificateChainPath: "/x.pem").makeTLSConfiguration() }
    }

    @Test("backoff grows exponentially, is capped, and jitters within bounds")
    func backoff() {
        let backoff = RedisBackoff(initial: .milliseconds(10), maximum: .milliseconds(300), multiplier: 2, jitter: 0.25, maxAttempts: 5)
        #expect((0..<7).map { backoff.nominalDelay(attempt: $0) } == [10, 20, 40, 80, 160, 300, 300].map { Duration.milliseconds($0) })
        #expect(backoff.delay(attempt: 2, random: 0) == .milliseconds(30))
        #expect(backoff.delay(attempt: 2, random: 0.5) == .milliseconds(40))
        #expect(backoff.delay(attempt: 9, random: 0.999_999) <= .milliseconds(375))
        for attempt in 0..<10 {
            let d = backoff.delay(attempt: attempt)
            #expect(d >= backoff.nominalDelay(attempt: attempt) * 0.75 && d <= backoff.nominalDelay(attempt: attempt) * 1.25)
        }
        #expect(backoff.allows(attempt: 4) && !backoff.allows(attempt: 5))
        #expect(RedisBackoff(maxAttempts: nil).allows(attempt: 1_000_000))
    }
}
